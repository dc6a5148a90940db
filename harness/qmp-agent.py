#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-only
"""Host side of the guest's QMP requests (started by run-vm.sh).

The guest cannot reach QEMU's monitor, so a test that needs the host
(hot-unplug and re-plug of the svacc device) writes a request line to its
results port, which QEMU appends to results.tap:

    # svacc-qmp <id> <request>

<request> is a QMP command in JSON, "hmp <command line>" (run through
human-monitor-command, whose device_add takes -device style options), or
"event <NAME> <seconds>" (wait for a QMP event, e.g. DEVICE_DELETED, seen
since the previous request). The answer goes to the guest's ttyS2 as one
line, "<id> ok <json>" or "<id> error <json>".

Usage: qmp-agent.py <results.tap> <qmp socket> <answer socket>
Exits when QEMU goes away. Everything it does is logged on stdout.
"""
import json
import re
import socket
import sys
import time

REQ = re.compile(r'^# svacc-qmp (\d+) (.*)$')


def log(*args):
    print(time.strftime('%H:%M:%S'), *args, flush=True)


def connect(path, deadline):
    while True:
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            s.connect(path)
            return s
        except OSError:
            s.close()
            if time.time() > deadline:
                return None
            time.sleep(0.1)


class Qmp:
    def __init__(self, sock):
        self.sock = sock
        self.buf = b''
        self.events = []
        self.recv()                     # greeting
        self.command({'execute': 'qmp_capabilities'})

    def recv(self, timeout=None):
        self.sock.settimeout(timeout)
        while b'\n' not in self.buf:
            data = self.sock.recv(65536)
            if not data:
                raise EOFError('QMP closed')
            self.buf += data
        line, self.buf = self.buf.split(b'\n', 1)
        return json.loads(line)

    def command(self, cmd):
        self.sock.sendall(json.dumps(cmd).encode() + b'\n')
        while True:
            msg = self.recv(60)
            if 'event' in msg:
                log('event', json.dumps(msg))
                self.events.append(msg)
                continue
            return msg

    def wait_event(self, name, seconds):
        deadline = time.time() + seconds
        while True:
            for i, ev in enumerate(self.events):
                if ev.get('event') == name:
                    del self.events[:i + 1]
                    return {'return': ev}
            left = deadline - time.time()
            if left <= 0:
                return {'error': {'desc': 'no %s event in %gs' % (name, seconds)}}
            try:
                msg = self.recv(left)
            except socket.timeout:
                continue
            log('event', json.dumps(msg))
            if 'event' in msg:
                self.events.append(msg)


def handle(qmp, request):
    if request.startswith('hmp '):
        return qmp.command({'execute': 'human-monitor-command',
                            'arguments': {'command-line': request[4:]}})
    if request.startswith('event '):
        _, name, seconds = request.split()
        return qmp.wait_event(name, float(seconds))
    qmp.events.clear()
    return qmp.command(json.loads(request))


def main():
    results, qmp_path, answer_path = sys.argv[1:4]
    deadline = time.time() + 60
    qs = connect(qmp_path, deadline)
    ans = connect(answer_path, deadline)
    if not qs or not ans:
        log('QEMU sockets never appeared; exiting')
        return 1
    qmp = Qmp(qs)
    log('connected')
    pos = 0
    pending = b''
    while True:
        try:
            with open(results, 'rb') as f:
                f.seek(pos)
                data = f.read()
        except OSError:
            data = b''
        pos += len(data)
        pending += data
        lines = pending.split(b'\n')
        pending = lines.pop()
        for raw in lines:
            m = REQ.match(raw.decode(errors='replace').rstrip('\r'))
            if not m:
                continue
            rid, request = m.group(1), m.group(2)
            log('request', rid, request)
            try:
                reply = handle(qmp, request)
            except EOFError:
                log('QMP closed')
                return 0
            except (ValueError, OSError) as e:
                reply = {'error': {'desc': str(e)}}
            # HMP reports device_add/device_del failures as text, not
            # errors; pcie_aer_inject_error reports success as "OK id: ..."
            text = reply.get('return')
            if isinstance(text, str) and text.strip() and \
                    not text.startswith('OK id: '):
                reply = {'error': {'desc': text.strip()}}
            status = 'error' if 'error' in reply else 'ok'
            line = '%s %s %s\n' % (rid, status, json.dumps(reply))
            log('answer', line.strip())
            try:
                ans.sendall(line.encode())
            except OSError:
                return 0
        try:
            qs.settimeout(0)
            if qs.recv(1, socket.MSG_PEEK) == b'':
                log('QEMU exited')
                return 0
        except (BlockingIOError, socket.timeout):
            pass
        except OSError:
            return 0
        time.sleep(0.05)


if __name__ == '__main__':
    sys.exit(main())
