#!/usr/bin/env python3
"""Plays QEMU for end-to-end scripts: binds and listens on channel sockets, accepts the host's
connection, then sends DPDK 464-byte requests and reads the replies.

  qemu-peer.py SOCKET burst N       send N scale down/up requests for vCPU 0 as fast as the host
                                    takes them, reading replies; prints "sent S acked A nacked K"
                                    (stops quietly when the host goes away)
  qemu-peer.py SOCKET one VCPU UNIT send one request, print ACK or NACK
The socket file is bound first; the script prints READY once listening.
"""
import os
import socket
import struct
import sys


def request(vcpu, unit):
    return struct.pack("<QII", vcpu, unit, 1) + bytes(448)


def read_exactly(conn, n):
    buf = b""
    while len(buf) < n:
        chunk = conn.recv(n - len(buf))
        if not chunk:
            return None
        buf += chunk
    return buf


def main():
    path, mode = sys.argv[1], sys.argv[2]
    if os.path.exists(path):
        os.unlink(path)
    srv = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    srv.bind(path)
    srv.listen(1)
    print("READY", flush=True)
    conn, _ = srv.accept()
    print("ATTACHED", flush=True)
    if mode == "one":
        req = request(int(sys.argv[3]), int(sys.argv[4]))
        conn.sendall(req)
        rep = read_exactly(conn, 464)
        cmd = struct.unpack_from("<I", rep, 12)[0] if rep else 0
        print({1: "ACK", 2: "NACK"}.get(cmd, "NONE"), flush=True)
        # stay attached until the host goes away
        while conn.recv(4096):
            pass
        return
    total = int(sys.argv[3])
    sent = acked = nacked = 0
    try:
        for i in range(total):
            conn.sendall(request(0, 2 if i % 2 == 0 else 1))
            sent += 1
            rep = read_exactly(conn, 464)
            if rep is None:
                break
            cmd = struct.unpack_from("<I", rep, 12)[0]
            if cmd == 1:
                acked += 1
            else:
                nacked += 1
            if i == 100:
                print("BURSTING", flush=True)
    except OSError:
        pass
    print("sent %d acked %d nacked %d" % (sent, acked, nacked), flush=True)


if __name__ == "__main__":
    main()
