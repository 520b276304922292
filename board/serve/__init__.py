"""`board serve`: the board in a browser, for the meeting-room TV and the leaders' offices.

textual-serve runs one board process per browser tab behind xterm.js. board keeps its process
runner (AppService) and its page script, and puts its own server around them: a token and a
cookie on every request but static assets, an Origin check on the WebSocket, a cap on the number
of board processes, its own page (nothing fetched from outside: an office may have no internet)
that reconnects by itself when the server restarts or the network drops.

- settings.py  ServeSettings (what `board serve` was given) and PageView (what one tab asked for)
- access.py    the token, its cookie and the Origin check
- process.py   one board process behind a WebSocket (the only use of textual-serve's privates)
- sessions.py  the sessions running now: the cap and the log (address, start, end)
- page.py      the page, the 401 page and their words, in the tab's language
- server.py    the aiohttp application and `serve()`
"""
