#!/usr/bin/env python3
"""A driver that misbehaves in one way, for conformance/driver_test.cc.

    hostile_driver.py MODE MARKER

MARKER is ignored (the test finds leftover processes by it). Until MODE's
moment comes, the driver serves a trivial in-memory "flow" well enough:
reads wait forever, writes return ok, closes return ok.
"""
import base64
import json
import os
import signal
import subprocess
import sys
import time

mode = sys.argv[1]


def send(message):
    if isinstance(message, str):
        sys.stdout.write(message + "\n")
    else:
        sys.stdout.write(json.dumps(message) + "\n")
    sys.stdout.flush()


HELLO = {"hello": "flowcheck-driver/1", "name": "hostile-" + mode,
         "capabilities": {"reset": False}}

if mode == "no-hello":
    time.sleep(600)
if mode == "exit-now":
    sys.stderr.write("hostile: exiting at once\n")
    sys.exit(3)
if mode == "bad-hello":
    send("Welcome to my driver!")
    time.sleep(600)
if mode == "wrong-version":
    send({"hello": "flowcheck-driver/9", "name": "x"})
    time.sleep(600)

send(HELLO)
if mode == "orphan":
    # A grandchild that would outlive us if nobody killed our group.
    subprocess.Popen(["sleep", "300", sys.argv[2]])

for line in sys.stdin:
    request = json.loads(line)
    call = request["call"]
    if call == "start":
        if mode == "hang-start":
            time.sleep(600)
        send({"case": request["case"], "result": "ok"})
        continue
    if call == "end":
        send({"case": request["case"], "result": "ok"})
        continue
    op = request["op"]
    if mode == "garbage":
        send("this is not json")
    elif mode == "unknown-op":
        send({"op": 9999, "result": "ok"})
    elif mode == "wrong-result" and call == "read":
        send({"op": op, "result": "ok"})
    elif mode == "twice" and call != "read":
        send({"op": op, "result": "ok"})
        send({"op": op, "result": "ok"})
    elif mode == "crash":
        os.kill(os.getpid(), signal.SIGSEGV)
    elif mode == "long-line":
        sys.stdout.write("x" * (2 << 20))
        sys.stdout.flush()
        time.sleep(600)
    elif mode == "never-answers" or call == "read":
        pass  # reads wait forever; in never-answers, everything does
    else:
        send({"op": op, "result": "ok"})
