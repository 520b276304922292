"""Files in and out: Excel and CSV sheets, office ledgers, the 会议纪要.

The only home of openpyxl.
"""
