#!/usr/bin/env python3
"""Drives a real headless Chromium through the DevTools protocol over --remote-debugging-pipe
(no websocket library needed: messages are NUL-terminated JSON on fds 3 and 4).

    browser.py OUT_DIR STEP [STEP ...]

Steps (run in order; the first failure exits 1 with the reason on stderr):
    open:URL              navigate and wait until the page has loaded
    fill:CSS=VALUE        set the value of the input matched by CSS
    click:CSS             click the element (a link or a submit button) and wait for the next page
    dom:NAME              write document.documentElement.outerHTML to OUT_DIR/NAME.html
    url:NAME              write location.href to OUT_DIR/NAME.url
    shot:NAME             write a full-page PNG screenshot to OUT_DIR/NAME.png
    cookies:NAME          write the browser's cookies (JSON, with httpOnly and sameSite) to OUT_DIR/NAME.json
    script:NAME=JS        write the JSON value of a JavaScript expression to OUT_DIR/NAME.json
"""
import base64
import fcntl
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time


class Browser:
    def __init__(self):
        self.profile = tempfile.mkdtemp(prefix="creditgw-chromium-")
        to_browser_r, self.to_browser = os.pipe()
        self.from_browser, from_browser_w = os.pipe()

        def wire_pipes():
            # Copy both ends above 4 first, so that neither dup2 can close the other's source,
            # and mark 3 and 4 inheritable (Python's pipes are close-on-exec).
            commands = fcntl.fcntl(to_browser_r, fcntl.F_DUPFD, 10)
            answers = fcntl.fcntl(from_browser_w, fcntl.F_DUPFD, 10)
            os.dup2(commands, 3, inheritable=True)
            os.dup2(answers, 4, inheritable=True)

        self.process = subprocess.Popen(
            ["chromium", "--headless=new", "--no-sandbox", "--disable-gpu", "--no-first-run",
             "--no-default-browser-check", "--disable-extensions", "--user-data-dir=" + self.profile,
             "--remote-debugging-pipe", "--window-size=1280,900", "about:blank"],
            preexec_fn=wire_pipes, close_fds=False, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        os.close(to_browser_r)
        os.close(from_browser_w)
        self.buffer = b""
        self.next_id = 0
        self.session = None
        target = self.call("Target.createTarget", {"url": "about:blank"})["targetId"]
        self.session = self.call("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
        self.call("Page.enable")
        self.call("Network.enable")

    def call(self, method, params=None, browser_level=False, timeout=30):
        self.next_id += 1
        message = {"id": self.next_id, "method": method, "params": params or {}}
        if self.session and not browser_level:
            message["sessionId"] = self.session
        os.write(self.to_browser, json.dumps(message).encode() + b"\0")
        deadline = time.time() + timeout
        while time.time() < deadline:
            while b"\0" in self.buffer:
                raw, self.buffer = self.buffer.split(b"\0", 1)
                reply = json.loads(raw)
                if reply.get("id") == self.next_id:
                    if "error" in reply:
                        raise RuntimeError(method + ": " + json.dumps(reply["error"]))
                    return reply.get("result", {})
            chunk = os.read(self.from_browser, 1 << 20)
            if not chunk:
                raise RuntimeError("chromium closed the DevTools pipe during " + method)
            self.buffer += chunk
        raise RuntimeError(method + ": no answer within %d s" % timeout)

    def evaluate(self, expression):
        result = self.call("Runtime.evaluate", {"expression": expression, "returnByValue": True, "awaitPromise": True})
        if "exceptionDetails" in result:
            raise RuntimeError("script failed: " + expression + ": " + json.dumps(result["exceptionDetails"]))
        return result["result"].get("value")

    def wait_for_page(self, previous_url=None, timeout=20):
        deadline = time.time() + timeout
        while time.time() < deadline:
            try:
                state = self.evaluate("[document.readyState, location.href]")
            except RuntimeError:
                state = None  # the context went away mid-navigation; ask again
            if state and state[0] == "complete" and state[1] != "about:blank" and state[1] != previous_url:
                return state[1]
            time.sleep(0.1)
        raise RuntimeError("page did not load (still at %s)" % previous_url)

    def close(self):
        try:
            self.call("Browser.close", browser_level=True, timeout=5)
        except Exception:
            pass
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
        shutil.rmtree(self.profile, ignore_errors=True)


def run(browser, out, step):
    action, _, argument = step.partition(":")
    if action == "open":
        browser.call("Page.navigate", {"url": argument})
        browser.wait_for_page()
    elif action == "fill":
        selector, _, value = argument.partition("=")
        ok = browser.evaluate("(() => { const e = document.querySelector(%s); if (!e) return false; e.value = %s;"
                              " return true; })()" % (json.dumps(selector), json.dumps(value)))
        if not ok:
            raise RuntimeError("no element matches " + selector)
    elif action == "click":
        before = browser.evaluate("location.href")
        ok = browser.evaluate("(() => { const e = document.querySelector(%s); if (!e) return false; e.click();"
                              " return true; })()" % json.dumps(argument))
        if not ok:
            raise RuntimeError("no element matches " + argument)
        browser.wait_for_page(before)
    elif action == "dom":
        write(out, argument + ".html", browser.evaluate("document.documentElement.outerHTML").encode())
    elif action == "url":
        write(out, argument + ".url", browser.evaluate("location.href").encode())
    elif action == "shot":
        size = browser.call("Page.getLayoutMetrics")["cssContentSize"]
        shot = browser.call("Page.captureScreenshot", {
            "format": "png", "captureBeyondViewport": True,
            "clip": {"x": 0, "y": 0, "width": size["width"], "height": size["height"], "scale": 1}})
        write(out, argument + ".png", base64.b64decode(shot["data"]))
    elif action == "cookies":
        write(out, argument + ".json", json.dumps(browser.call("Network.getCookies")["cookies"]).encode())
    elif action == "script":
        name, _, expression = argument.partition("=")
        write(out, name + ".json", json.dumps(browser.evaluate(expression), ensure_ascii=False).encode())
    else:
        raise RuntimeError("unknown step " + step)


def write(out, name, data):
    with open(os.path.join(out, name), "wb") as f:
        f.write(data)


def main():
    if len(sys.argv) < 3:
        print(__doc__, file=sys.stderr)
        return 2
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    browser = Browser()
    try:
        for step in sys.argv[2:]:
            run(browser, out, step)
    except Exception as e:
        print("browser.py: step %r: %s" % (step, e), file=sys.stderr)
        return 1
    finally:
        browser.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
