"""Python action proxy speaking OpenWhisk's runtime protocol (as apache/openwhisk-runtime-python).

POST /init {"value": {name, main, code, binary, env}} once per container, then
POST /run {"value": params, namespace, action_name, ...} per activation. Standard library only,
so it runs with a bare interpreter inside a sandbox or a minimal container.
"""

import base64
import io
import json
import os
import sys
import tempfile
import threading
import traceback
import zipfile
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

SENTINEL = "XXX_THE_END_OF_A_WHISK_ACTIVATION_XXX"


class Action:
    # Connections are served on threads (an idle keep-alive connection must not block another one),
    # but activations run one at a time, as in OpenWhisk's python runtime.
    lock = threading.Lock()
    main = None
    initialized = False
    exposed_keys = []


def write_sentinels():
    # Both streams carry the sentinel so the invoker can cut each activation's logs.
    for stream in (sys.stdout, sys.stderr):
        stream.write(SENTINEL + "\n")
        stream.flush()


def unpack_zip(code):
    """A zip action: its __main__.py is the code; the archive's other modules are importable."""
    target = tempfile.mkdtemp(prefix="action-")
    try:
        with zipfile.ZipFile(io.BytesIO(base64.b64decode(code))) as archive:
            archive.extractall(target)
    except (ValueError, zipfile.BadZipFile) as err:
        raise ValueError("the action archive is not a valid base64 zip file: %s" % err)
    entry = os.path.join(target, "__main__.py")
    if not os.path.isfile(entry):
        raise ValueError("the zip action has no __main__.py at its top level")
    sys.path.insert(0, target)
    with open(entry, encoding="utf-8") as f:
        return f.read(), entry


def load_action(value):
    code = value.get("code")
    if not isinstance(code, str) or not code.strip():
        raise ValueError("the action has no code")
    env = value.get("env") or {}
    for key, val in env.items():
        os.environ[key] = val if isinstance(val, str) else json.dumps(val)
    main = value.get("main") or "main"
    filename = value.get("name") or "action"
    if value.get("binary"):
        code, filename = unpack_zip(code)
    scope = {"__name__": "__main__", "__file__": filename}
    exec(compile(code, filename, "exec"), scope)
    fn = scope.get(main)
    if not callable(fn):
        raise ValueError("the action code has no function named '%s'" % main)
    return fn


def expose_run_env(message):
    for key in Action.exposed_keys:
        os.environ.pop(key, None)
    Action.exposed_keys = []
    for key, val in message.items():
        if key == "value" or val is None:
            continue
        name = "__OW_" + key.upper()
        os.environ[name] = val if isinstance(val, str) else json.dumps(val)
        Action.exposed_keys.append(name)


def run(message):
    expose_run_env(message)
    args = message.get("value")
    try:
        result = Action.main(args if isinstance(args, dict) else {})
    except Exception as err:  # the action's own exception is a developer error
        traceback.print_exc()
        return 502, {"error": "An error has occurred: %s: %s" % (type(err).__name__, err)}
    if not isinstance(result, dict):
        return 502, {"error": "The action did not return a dictionary."}
    try:
        json.dumps(result)
    except (TypeError, ValueError) as err:
        return 502, {"error": "The action returned a dictionary that is not JSON serializable: %s" % err}
    return 200, result


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive: the invoker reuses one connection per container

    def log_message(self, format, *args):
        pass  # request lines would pollute the action's logs

    def reply(self, status, body):
        text = json.dumps(body).encode("utf-8")
        self.send_response(status)
        self.send_header("content-type", "application/json")
        self.send_header("content-length", str(len(text)))
        self.end_headers()
        self.wfile.write(text)

    def do_POST(self):
        with Action.lock:
            self.handle_post()

    def handle_post(self):
        length = int(self.headers.get("content-length") or 0)
        try:
            message = json.loads(self.rfile.read(length) or b"{}")
        except ValueError as err:
            return self.reply(400, {"error": "The request body is not valid JSON: %s" % err})
        if not isinstance(message, dict):
            message = {}
        if self.path == "/init":
            if Action.initialized:
                return self.reply(403, {"error": "Cannot initialize the action more than once."})
            Action.initialized = True
            try:
                Action.main = load_action(message.get("value") or {})
            except Exception as err:
                traceback.print_exc()
                write_sentinels()
                return self.reply(502, {"error": "Initialization has failed due to: %s: %s" % (type(err).__name__, err)})
            return self.reply(200, {"OK": True})
        if self.path == "/run":
            if Action.main is None:
                return self.reply(403, {"error": "The action has not been initialized; POST /init first."})
            status, body = run(message)
            sys.stdout.flush()
            write_sentinels()
            return self.reply(status, body)
        return self.reply(404, {"error": "No route POST %s: the action proxy serves POST /init and POST /run." % self.path})


def exit_at_stdin_eof():
    while sys.stdin.buffer.read(4096):
        pass
    os._exit(0)


def main():
    host = os.environ.get("__OW_PROXY_HOST", "0.0.0.0")
    port = int(os.environ.get("__OW_PROXY_PORT", "8080"))
    try:
        server = ThreadingHTTPServer((host, port), Handler)
        server.daemon_threads = True
    except OSError as err:
        sys.stderr.write("action proxy cannot listen on %s:%d: %s\n" % (host, port, err))
        sys.exit(3)
    if os.environ.get("__OW_EXIT_WITH_STDIN") == "1":
        # Started by a local invoker: its end of our stdin closes when it dies, so we never outlive it.
        threading.Thread(target=exit_at_stdin_eof, daemon=True).start()
    server.serve_forever()


if __name__ == "__main__":
    main()
