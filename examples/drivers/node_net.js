#!/usr/bin/env node
// A flowcheck driver for Node.js's net.Socket over TCP loopback.
//
//   flowcheck certify --driver='node examples/drivers/node_net.js'
//
// It speaks the driver protocol (docs/driver-protocol.md). Each case gets
// a fresh TCP connection on 127.0.0.1 (a net.Server with allowHalfOpen, a
// client with allowHalfOpen): A is the client, B the accepted socket. Both
// sockets stay in paused mode, so a socket nobody reads applies TCP's
// backpressure to its peer. Each flow operation maps onto net.Socket as an
// adapter would:
//
//   read    socket.read() of what is buffered; if nothing, wait for
//           'readable', 'end' or 'error'. null at the end of the stream is
//           Eof. Reads are serialized (one reader of the stream at a time).
//   write   socket.write(bytes, callback): Ok when the callback reports the
//           bytes handed to the kernel; Closed after close.
//   writev  the parts concatenated, as one write.
//   close   socket.end() (the half-close: FIN behind earlier writes), then
//           wait until the peer's FIN has arrived -- the stream's internal
//           `ended` flag, which turns true before the buffered bytes are
//           read (C4 without consuming them, C3) -- and return. The socket
//           is left to Node, which closes it once both directions are done
//           and every byte was read.
//
// No reset capability: Node 20's socket.resetAndDestroy(), called after a
// write had completed, ended the stream cleanly -- the peer read its bytes
// and then Eof, as after a close (docs/drivers.md) -- and net.Socket has no
// other way to send a RST. So E1 is NOT APPLICABLE here.
//
// Node 18+ and nothing but its standard library.
'use strict';

const net = require('net');
const readline = require('readline');

const VERSION = 'flowcheck-driver/1';

function send(message) {
  process.stdout.write(JSON.stringify(message) + '\n');
}

function errorCode(err) {
  switch (err && err.code) {
    case 'ECONNRESET': return 'reset';
    case 'EPIPE': return 'broken-pipe';
    case 'ETIMEDOUT': return 'timed-out';
    default: return 'io';
  }
}

function describe(err) {
  return `${err.code || err.name}: ${err.message}`;
}

class End {
  constructor(socket) {
    this.socket = socket;
    this.closeCalled = false;
    this.error = null;
    this.readChain = Promise.resolve();
    socket.pause();
    socket.on('error', (err) => { this.error = this.error || err; });
  }

  // The next Data, Eof or error, one reader at a time.
  read() {
    const result = this.readChain.then(() => this.readOnce());
    this.readChain = result.catch(() => {});
    return result;
  }

  readOnce() {
    const socket = this.socket;
    return new Promise((resolve) => {
      const attempt = () => {
        const chunk = socket.read();
        if (chunk !== null && chunk.length > 0) {
          done({ result: 'data', bytes: chunk.toString('base64') });
        } else if (socket.readableEnded || socket._readableState.ended &&
                   socket.readableLength === 0) {
          done({ result: 'eof' });
        } else if (this.error) {
          done({ result: 'error', code: errorCode(this.error),
                 description: describe(this.error) });
        } else if (socket.destroyed) {
          // A socket destroyed on this side emits no 'error': without this,
          // a read pending then would wait forever (E1).
          done({ result: 'error', code: 'reset',
                 description: 'the socket was destroyed (reset by this side)' });
        }
      };
      const done = (answer) => {
        socket.removeListener('readable', attempt);
        socket.removeListener('end', attempt);
        socket.removeListener('error', attempt);
        socket.removeListener('close', attempt);
        resolve(answer);
      };
      socket.on('readable', attempt);
      socket.on('end', attempt);
      socket.on('error', attempt);
      socket.on('close', attempt);
      attempt();
    });
  }

  write(bytes) {
    if (this.closeCalled) return Promise.resolve({ result: 'closed' });
    if (this.error) {
      return Promise.resolve({ result: 'error', code: errorCode(this.error),
                               description: describe(this.error) });
    }
    if (this.socket.destroyed) {
      return Promise.resolve({ result: 'error', code: 'reset',
                               description: 'the socket was destroyed (reset by this side)' });
    }
    if (bytes.length === 0) return Promise.resolve({ result: 'ok' });
    return new Promise((resolve) => {
      this.socket.write(bytes, (err) => {
        resolve(err ? { result: 'error', code: errorCode(err),
                        description: describe(err) }
                    : { result: 'ok' });
      });
    });
  }

  close() {
    if (!this.closeCalled) {
      this.closeCalled = true;
      if (!this.socket.destroyed) this.socket.end();
    }
    return new Promise((resolve) => {
      const check = () => {
        const state = this.socket._readableState;
        if (state.ended || this.error || this.socket.destroyed) {
          resolve({ result: 'ok' });
        } else {
          setTimeout(check, 2);
        }
      };
      check();
    });
  }
}

class Driver {
  constructor() {
    this.ends = null;
    this.sockets = [];
  }

  start(request) {
    const server = net.createServer({ allowHalfOpen: true, pauseOnConnect: true });
    server.listen(0, '127.0.0.1', () => {
      const client = net.connect({ port: server.address().port,
                                   host: '127.0.0.1', allowHalfOpen: true });
      server.once('connection', (accepted) => {
        server.close();
        this.sockets = [client, accepted];
        this.ends = { A: new End(client), B: new End(accepted) };
        send({ case: request.case, result: 'ok' });
      });
    });
  }

  end(request) {
    for (const socket of this.sockets) socket.destroy();
    this.sockets = [];
    this.ends = null;
    send({ case: request.case, result: 'ok' });
  }

  perform(request) {
    const end = this.ends[request.side];
    let answer;
    switch (request.call) {
      case 'read': answer = end.read(); break;
      case 'write': answer = end.write(Buffer.from(request.bytes, 'base64')); break;
      case 'writev':
        answer = end.write(Buffer.concat(
          request.parts.map((part) => Buffer.from(part, 'base64'))));
        break;
      default: answer = end.close();
    }
    const ends = this.ends;
    answer.then((result) => {
      if (this.ends === ends) send(Object.assign({ op: request.op }, result));
    });
  }

  handle(line) {
    const request = JSON.parse(line);
    switch (request.call) {
      case 'start': this.start(request); break;
      case 'end': this.end(request); break;
      default: this.perform(request);
    }
  }
}

const driver = new Driver();
send({
  hello: VERSION,
  name: 'node-net',
  description: `Node.js ${process.version} net.Socket over TCP loopback`,
  capabilities: { reset: false },
});
const input = readline.createInterface({ input: process.stdin, crlfDelay: Infinity });
input.on('line', (line) => driver.handle(line));
input.on('close', () => process.exit(0));
