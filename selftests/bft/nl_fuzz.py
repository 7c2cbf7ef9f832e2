#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Spec-driven generic netlink fuzzer for the "bft" family.

Reads Documentation/netlink/specs/bft.yaml and, until --secs run out,
sends every operation with random and boundary attributes: right and
wrong types and lengths, nests (valid, empty, garbage, deep), missing,
duplicated and unknown attributes, truncated TLVs, huge values. Half of
the requests are well-formed enough to reach the handlers (replicas are
created, configured, dumped and deleted); --role dumper instead runs
dumps that it reads slowly while deleting the replica being dumped from
a second socket. Names in --protect only ever appear in read-only ops.
Prints one summary line (ops sent, replies by errno); exits 1 if the
kernel sends a reply that does not parse as netlink.
"""
import argparse
import errno
import os
import random
import socket
import struct
import sys
import time

import yaml

NETLINK_GENERIC = 16
NLM_F_REQUEST, NLM_F_ACK, NLM_F_DUMP = 0x1, 0x4, 0x300
NLMSG_ERROR, NLMSG_DONE = 2, 3
GENL_ID_CTRL, CTRL_CMD_GETFAMILY = 0x10, 3
CTRL_ATTR_FAMILY_ID, CTRL_ATTR_FAMILY_NAME = 1, 2
NLA_F_NESTED = 0x8000

READ_ONLY = {'get-status', 'replica-get', 'checkpoint-get'}
U_MAX = {'u8': 0xff, 'u16': 0xffff, 'u32': 0xffffffff,
         'u64': 0xffffffffffffffff}
U_FMT = {'u8': '<B', 'u16': '<H', 'u32': '<I', 'u64': '<Q'}


class Spec:
    """Attribute sets and operations with their numeric values."""

    def __init__(self, path):
        with open(path) as f:
            y = yaml.safe_load(f)
        self.sets = {}
        for s in y['attribute-sets']:
            attrs, v = {}, 1
            for a in s['attributes']:
                v = a.get('value', v)
                attrs[a['name']] = dict(a, value=v)
                v += 1
            self.sets[s['name']] = attrs
        self.ops, v = {}, 1
        for o in y['operations']['list']:
            v = o.get('value', v)
            self.ops[o['name']] = dict(o, value=v)
            v += 1


def nla(t, payload):
    payload = payload[:0xfff0]
    n = 4 + len(payload)
    return struct.pack('<HH', n, t) + payload + b'\0' * ((4 - n % 4) % 4)


class Gen:
    def __init__(self, spec, rng, names, protect, ports):
        self.spec, self.r = spec, rng
        self.names, self.protect, self.ports = names, protect, ports

    def uval(self, typ, name):
        r, m = self.r, U_MAX[typ]
        sem = {'n': [3, 4, 5, 7, 64, 65], 'replica-id': [0, 1, 3, 63, 64],
               'n-clients': [0, 1, 4, 16, 4097], 'id': [0, 1, 3, 4, 4095],
               'status-flags': [0, 1, 2], 'key-id': [0, 0, 0, 1],
               'window': [1, 4, 256, 257], 'ckpt-interval': [1, 16, 64, 129],
               'log-size': [2, 32, 128, 256, 257],
               'batch-size': [1, 16, 1024, 1025],
               'batch-bytes': [63, 64, 16384, 65507, 65536],
               'max-value-len': [0, 1, 1024, 1025, 8192],
               'max-key-len': [0, 1, 64, 1024, 1025],
               'max-keys': [0, 1, 16, 256, 16385],
               'seq': [0, 1, 32, 64, 2**32, 2**63], 'offset': [0, 1, 4096],
               'total': [0, 1, 100, 4096, 1 << 20, (64 << 20) + 1]}
        if name in sem and r.random() < 0.6:
            return min(r.choice(sem[name]), m)
        return r.choice([0, 1, 2, m, m - 1, m >> 1, (m >> 1) + 1,
                         r.randint(0, m), r.randint(0, 100)])

    def name(self, read_only):
        r = self.r
        pool = self.names + (self.protect if read_only else [])
        c = r.random()
        if c < 0.85:
            return pool[r.randrange(len(pool))].encode() + b'\0'
        return r.choice([b'', b'\0', b'x' * 15 + b'\0', b'x' * 16 + b'\0',
                         b'fz', b'\xff' * 40, os.urandom(r.randint(1, 20))])

    def sockaddr(self):
        r = self.r
        port = r.choice(self.ports) if r.random() < 0.9 else r.randint(0, 65535)
        c = r.random()
        if c < 0.7:
            return struct.pack('<H', socket.AF_INET) + struct.pack(
                '>H', port) + socket.inet_aton('127.0.0.1') + b'\0' * 8
        if c < 0.8:
            return struct.pack('<H', socket.AF_INET6) + struct.pack(
                '>H', port) + b'\0' * 4 + socket.inet_pton(
                socket.AF_INET6, '::1') + b'\0' * 4
        return os.urandom(r.choice([0, 1, 2, 15, 16, 17, 27, 28, 29, 128]))

    def value(self, a, read_only, depth):
        """Payload (and NLA_F_NESTED) for attribute spec @a."""
        r, typ, name = self.r, a['type'], a['name']
        wrong = r.random() < 0.15
        if typ in U_FMT:
            if wrong:
                return os.urandom(r.choice([0, 1, 2, 3, 5, 7, 9, 16])), 0
            return struct.pack(U_FMT[typ], self.uval(typ, name)), 0
        if typ == 'string':
            if name == 'name':
                return self.name(read_only), 0
            return os.urandom(r.randint(0, 40)), 0
        if typ == 'flag':
            return (os.urandom(r.randint(1, 8)) if wrong else b''), 0
        if typ == 'binary':
            if name in ('listen', 'endpoint') and not wrong:
                return self.sockaddr(), 0
            if name in ('key', 'digest') and not wrong:
                return os.urandom(32), 0
            if name == 'data' and not wrong:
                return os.urandom(r.choice([0, 1, 100, 4096, 32768])), 0
            return os.urandom(r.choice([0, 1, 31, 32, 33, 100, 40000])), 0
        if typ == 'nest':
            if wrong or depth > 3:
                return os.urandom(r.randint(0, 64)), r.choice([0, NLA_F_NESTED])
            sub = self.spec.sets[a['nested-attributes']]
            return self.attrs(list(sub.values()), read_only, depth + 1), \
                NLA_F_NESTED if r.random() < 0.8 else 0
        return os.urandom(r.randint(0, 16)), 0

    def attrs(self, specs, read_only, depth=0):
        r, out = self.r, b''
        for a in specs:
            if a['type'] in ('pad', 'unused') or r.random() < 0.2:
                continue
            for _ in range(2 if r.random() < 0.05 else 1):
                p, fl = self.value(a, read_only, depth)
                out += nla(a['value'] | fl, p)
        if r.random() < 0.1:		# unknown or reserved types
            out += nla(r.choice([0, 0x7fff, 200, 25, 26]), os.urandom(4))
        if r.random() < 0.05 and len(out) >= 4:	# a lying nla_len
            n = len(out) - 4
            out = out[:n] + struct.pack('<H', r.randint(0, 0xffff)) + out[n + 2:]
        if r.random() < 0.05:		# a truncated trailing TLV
            out += struct.pack('<HH', r.randint(5, 400), r.randint(1, 30))
        return out

    def message(self, op):
        """(cmd, flags, payload) for op (a spec operation dict)."""
        r = self.r
        ro = op['name'] in READ_ONLY
        top = self.spec.sets[op.get('attribute-set', 'bft')]
        dump = 'dump' in op and ('do' not in op or r.random() < 0.5)
        req = (op.get('dump' if dump else 'do') or {}).get('request') or {}
        names = list(req.get('attributes', []))
        if r.random() < 0.1:		# attributes of other operations
            names += r.sample(list(top), 3)
        specs = [top[n] for n in names if n in top]
        r.shuffle(specs) if r.random() < 0.2 else None
        flags = NLM_F_REQUEST | NLM_F_ACK | (NLM_F_DUMP if dump else 0)
        return op['value'], flags, self.attrs(specs, ro)


class Nl:
    def __init__(self):
        self.s = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW,
                               NETLINK_GENERIC)
        self.s.bind((0, 0))
        self.s.settimeout(30)
        self.seq = 1
        self.fam = self.family('bft')

    def send(self, typ, cmd, flags, payload, ver=1):
        self.seq += 1
        body = struct.pack('<BBH', cmd, ver, 0) + payload
        self.s.send(struct.pack('<IHHII', 16 + len(body), typ, flags,
                                self.seq, 0) + body)
        return self.seq

    def replies(self, seq, limit=None):
        """Yields (type, payload) up to the ACK/DONE/error; -errno last."""
        got = 0
        while True:
            data = self.s.recv(1 << 20)
            off = 0
            while off < len(data):
                if len(data) - off < 16:
                    raise ValueError('short nlmsghdr')
                ln, typ, _, s, _ = struct.unpack_from('<IHHII', data, off)
                if ln < 16 or off + ln > len(data):
                    raise ValueError('bad nlmsg_len %d' % ln)
                body = data[off + 16:off + ln]
                off += (ln + 3) & ~3
                if s != seq:
                    continue
                if typ == NLMSG_ERROR:
                    yield struct.unpack_from('<i', body)[0]
                    return
                if typ == NLMSG_DONE:
                    yield 0
                    return
                check_attrs(body[4:])
                yield body
                got += 1
                if limit and got >= limit:
                    return

    def family(self, name):
        seq = self.send(GENL_ID_CTRL, CTRL_CMD_GETFAMILY, NLM_F_REQUEST,
                        nla(CTRL_ATTR_FAMILY_NAME, name.encode() + b'\0'))
        for m in self.replies(seq):
            if isinstance(m, int):
                break
            a = m[4:]
            while len(a) >= 4:
                ln, t = struct.unpack_from('<HH', a)
                if t == CTRL_ATTR_FAMILY_ID:
                    return struct.unpack_from('<H', a, 4)[0]
                a = a[(ln + 3) & ~3:]
        raise SystemExit('nl_fuzz: no bft family')

    def call(self, cmd, flags, payload):
        seq = self.send(self.fam, cmd, flags, payload)
        res = 0
        for m in self.replies(seq):
            if isinstance(m, int):
                res = m
        return res


def check_attrs(a):
    """A reply's attributes must be well-formed TLVs (recursively)."""
    while len(a) >= 4:
        ln, t = struct.unpack_from('<HH', a)
        if ln < 4 or ln > len(a):
            raise ValueError('bad nla_len %d of type %d' % (ln, t))
        if t & NLA_F_NESTED:
            check_attrs(a[4:ln])
        a = a[(ln + 3) & ~3:]


def fuzz(args, spec, rng, gen, stats):
    nl = Nl()
    ops = [o for o in spec.ops.values() if 'mcgrp' not in o]
    end = time.monotonic() + args.secs
    while time.monotonic() < end:
        if rng.random() < 0.03:		# commands that do not exist
            cmd = rng.choice([0, 12, 13, 15, 16, 100, 255])
            res = nl.call(cmd, NLM_F_REQUEST | NLM_F_ACK, b'')
            op = 'cmd-%d' % cmd
        else:
            o = rng.choice(ops)
            cmd, flags, payload = gen.message(o)
            res = nl.call(cmd, flags, payload)
            op = o['name']
        stats[op] = stats.get(op, 0) + 1
        key = errno.errorcode.get(-res, str(res)) if res else 'ok'
        stats['=' + key] = stats.get('=' + key, 0) + 1


def dumper(args, spec, rng, gen, stats):
    """Dumps read one message at a time while the replica goes away."""
    nl, killer = Nl(), Nl()
    get, cget = spec.ops['replica-get'], spec.ops['checkpoint-get']
    new, dele = spec.ops['replica-new'], spec.ops['replica-del']
    a = {k: v['value'] for k, v in spec.sets['bft'].items()}
    end = time.monotonic() + args.secs
    while time.monotonic() < end:
        name = rng.choice(gen.names)
        port = rng.choice(gen.ports)
        addr = struct.pack('<H', socket.AF_INET) + struct.pack(
            '>H', port) + socket.inet_aton('127.0.0.1') + b'\0' * 8
        res = killer.call(new['value'], NLM_F_REQUEST | NLM_F_ACK,
                          nla(a['name'], name.encode() + b'\0') +
                          nla(a['replica-id'], struct.pack('<I', 0)) +
                          nla(a['n'], struct.pack('<I', 4)) +
                          nla(a['listen'], addr))
        stats['new=%d' % res] = stats.get('new=%d' % res, 0) + 1
        op = rng.choice([get, cget])
        payload = b'' if op is get else nla(a['name'], name.encode() + b'\0')
        seq = nl.send(nl.fam, op['value'], NLM_F_REQUEST | NLM_F_DUMP,
                      payload)
        it = nl.replies(seq)
        try:
            next(it)
            if rng.random() < 0.7:
                killer.call(dele['value'], NLM_F_REQUEST | NLM_F_ACK,
                            nla(a['name'], name.encode() + b'\0'))
            for _ in it:
                pass
        except StopIteration:
            pass
        stats[op['name']] = stats.get(op['name'], 0) + 1


def main():
    p = argparse.ArgumentParser()
    p.add_argument('--spec', required=True)
    p.add_argument('--secs', type=float, default=10)
    p.add_argument('--seed', type=int, default=None)
    p.add_argument('--role', choices=['fuzz', 'dumper'], default='fuzz')
    p.add_argument('--names', default='fz0,fz1,fz2')
    p.add_argument('--protect', default='')
    p.add_argument('--ports', default='7600-7607')
    args = p.parse_args()
    seed = args.seed if args.seed is not None else \
        int.from_bytes(os.urandom(4), 'little')
    rng = random.Random(seed)
    lo, hi = (int(x) for x in args.ports.split('-'))
    gen = Gen(Spec(args.spec), rng, args.names.split(','),
              [n for n in args.protect.split(',') if n],
              list(range(lo, hi + 1)))
    stats = {}
    rc = 0
    try:
        (dumper if args.role == 'dumper' else fuzz)(
            args, gen.spec, rng, gen, stats)
    except ValueError as e:
        print('nl_fuzz: malformed reply from the kernel: %s' % e)
        rc = 1
    except OSError as e:
        print('nl_fuzz: %s' % e)
        rc = 1
    sent = sum(v for k, v in stats.items() if not k.startswith('=') and
               '=' not in k)
    print('nl_fuzz %s seed %d: %d requests; %s' % (
        args.role, seed, sent,
        ' '.join('%s:%d' % kv for kv in sorted(stats.items()))))
    return rc


if __name__ == '__main__':
    sys.exit(main())
