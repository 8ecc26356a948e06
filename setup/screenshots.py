"""Screenshots of Odoo screens as a given user sees them (headless Chromium).

Usage:
    python3 setup/screenshots.py --url http://localhost:8069 --login manager \\
        --password manager --out /tmp/shots \\
        "settings=/odoo/action-utility_billing.utility_settings_action_open" \\
        "calendar=/odoo/action-utility_billing.utility_business_calendar_action"

Each NAME=PATH is opened after logging in (a real web session: the login form's
JSON-RPC, then the session cookie handed to Chromium through the DevTools
protocol) and saved as OUT/NAME.png at 1440x900 (--width, --height; --mobile
emulates a phone: e.g. --width 390 --mobile). Without --login the pages are
opened as a visitor (e.g. the portal's registration page). NAME=js:CODE runs
CODE (JavaScript) in the page last opened, waits, and saves the screen as
NAME, e.g. to click a button:

    "paid=js:document.querySelector('button[name=o_payment_submit_button]').click()"

Needs the Debian package ``chromium`` and the Python package ``websocket-client``
(setup/requirements.txt). Nothing here is a test: it is for looking at the
screens, e.g. for the README.
"""

import argparse
import base64
import json
import os
import shutil
import subprocess
import tempfile
import time
import urllib.parse
import urllib.request
from http.cookiejar import CookieJar

import websocket


def login(url, db, user, password):
    jar = CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    body = {"jsonrpc": "2.0", "params": {"login": user, "password": password}}
    if db:
        body["params"]["db"] = db
    req = urllib.request.Request(
        url + "/web/session/authenticate",
        data=json.dumps(body).encode(),
        headers={"Content-Type": "application/json"},
    )
    answer = json.loads(opener.open(req, timeout=60).read())
    if answer.get("error"):
        raise SystemExit(f"login {user} failed: {answer['error']['data']['message']}")
    session = next((c.value for c in jar if c.name == "session_id"), None)
    if not session:
        raise SystemExit("no session cookie after login")
    return session, answer["result"]["uid"], opener


def set_language(url, opener, uid, lang):
    """The user's own language (a preference every user may change)."""
    body = {
        "jsonrpc": "2.0",
        "params": {
            "model": "res.users",
            "method": "write",
            "args": [[uid], {"lang": lang}],
            "kwargs": {},
        },
    }
    req = urllib.request.Request(
        url + "/web/dataset/call_kw/res.users/write",
        data=json.dumps(body).encode(),
        headers={"Content-Type": "application/json"},
    )
    answer = json.loads(opener.open(req, timeout=60).read())
    if answer.get("error"):
        raise SystemExit(f"language {lang}: {answer['error']['data']['message']}")


class Chrome:
    def __init__(self, width, height, mobile=False):
        binary = next(
            (
                shutil.which(name)
                for name in ("chromium", "chromium-browser", "google-chrome")
                if shutil.which(name)
            ),
            None,
        )
        if not binary:
            raise SystemExit("Chromium not found (apt-get install chromium).")
        self.profile = tempfile.mkdtemp(prefix="ub-shots-")
        self.proc = subprocess.Popen(
            [
                binary,
                "--headless=new",
                "--no-sandbox",
                "--disable-gpu",
                "--remote-debugging-port=0",
                f"--user-data-dir={self.profile}",
                f"--window-size={width},{height}",
                "about:blank",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        port_file = os.path.join(self.profile, "DevToolsActivePort")
        for _i in range(100):
            if os.path.exists(port_file):
                break
            time.sleep(0.1)
        port = open(port_file).read().split()[0]
        targets = json.loads(
            urllib.request.urlopen(f"http://127.0.0.1:{port}/json").read()
        )
        page = next(t for t in targets if t["type"] == "page")
        self.ws = websocket.create_connection(page["webSocketDebuggerUrl"], timeout=120)
        self.seq = 0
        self.call("Page.enable")
        self.call(
            "Emulation.setDeviceMetricsOverride",
            width=width,
            height=height,
            deviceScaleFactor=1,
            mobile=mobile,
        )
        if mobile:
            self.call("Emulation.setTouchEmulationEnabled", enabled=True)

    def call(self, method, **params):
        self.seq += 1
        self.ws.send(json.dumps({"id": self.seq, "method": method, "params": params}))
        while True:
            message = json.loads(self.ws.recv())
            if message.get("id") == self.seq:
                if "error" in message:
                    raise RuntimeError(f"{method}: {message['error']}")
                return message.get("result", {})

    def close(self):
        self.ws.close()
        self.proc.terminate()
        self.proc.wait(timeout=10)
        shutil.rmtree(self.profile, ignore_errors=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("shots", nargs="+", help="NAME=PATH")
    parser.add_argument("--url", default="http://localhost:8069")
    parser.add_argument("--db", default="")
    parser.add_argument("--login", default="", help="none: as a visitor")
    parser.add_argument("--password", default="")
    parser.add_argument(
        "--lang",
        default="",
        help="e.g. es_MX: set as the user's own language first (a visitor's: "
        "the frontend_lang cookie)",
    )
    parser.add_argument("--out", default="screenshots")
    parser.add_argument("--wait", type=float, default=4.0, help="seconds a page loads")
    parser.add_argument("--width", type=int, default=1440)
    parser.add_argument("--height", type=int, default=900)
    parser.add_argument(
        "--mobile", action="store_true", help="emulate a phone (touch, viewport)"
    )
    args = parser.parse_args()
    os.makedirs(args.out, exist_ok=True)
    session = None
    if args.login:
        session, uid, opener = login(args.url, args.db, args.login, args.password)
        if args.lang:
            set_language(args.url, opener, uid, args.lang)
            # The session keeps the language of its login: sign in again.
            session, uid, opener = login(args.url, args.db, args.login, args.password)
    chrome = Chrome(args.width, args.height, mobile=args.mobile)
    try:
        host = urllib.parse.urlparse(args.url).hostname
        chrome.call("Network.enable")
        if session:
            chrome.call(
                "Network.setCookie",
                name="session_id",
                value=session,
                domain=host,
                path="/",
            )
        elif args.lang:
            # A visitor's language: the cookie of the portal's language menu.
            chrome.call(
                "Network.setCookie",
                name="frontend_lang",
                value=args.lang,
                domain=host,
                path="/",
            )
        for shot in args.shots:
            name, path = shot.split("=", 1)
            if path.startswith("js:"):
                result = chrome.call(
                    "Runtime.evaluate", expression=path[3:], awaitPromise=True
                )
                if result.get("exceptionDetails"):
                    print(f"{name}: {result['exceptionDetails'].get('text')}")
            else:
                chrome.call("Page.navigate", url=args.url + path)
            time.sleep(args.wait)
            data = chrome.call("Page.captureScreenshot", format="png")["data"]
            target = os.path.join(args.out, f"{name}.png")
            with open(target, "wb") as png:
                png.write(base64.b64decode(data))
            print(target)
    finally:
        chrome.close()


if __name__ == "__main__":
    main()
