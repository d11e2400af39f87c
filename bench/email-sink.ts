/**
 * A local SMTP sink for bench/email.ts and bench/fault.ts, in its own process so that receiving
 * does not share the sender's event loop. Counts complete messages (a message cut off by its client
 * going away is not counted) and their Message-IDs, and reports over IPC:
 *
 * - `{ type: 'count' }` → `{ received, unique }`;
 * - `{ type: 'reset' }` → `{ reset: true }` (forgets everything);
 * - `{ type: 'notify-at', counts: [n, …] }` → `{ notifying: [n, …] }`, then
 *   `{ type: 'reached', count: n }` as soon as the n-th message was received (before its 250);
 * - `{ type: 'messages' }` → `{ messages: [[recipient, Message-ID], …] }` in arrival order.
 *
 * `--delay-ms N` (default 0) holds each received message N ms before answering 250: a slower
 * receiving server, and the part of the crash window that belongs to the receiver.
 */
import { parseArgs } from 'node:util';
import { SMTPServer } from 'smtp-server';

const { values } = parseArgs({ options: { 'delay-ms': { type: 'string', default: '0' } } });
const delayMs = Number(values['delay-ms']);

const messageIds = new Set<string>();
let messages: [string, string][] = [];
let received = 0;
let notifyAt = new Set<number>();

const server = new SMTPServer({
  authOptional: true,
  disabledCommands: ['STARTTLS'],
  logger: false,
  size: 1024 * 1024,
  onData(stream, session, callback) {
    let head = '';
    stream.on('data', (chunk: Buffer) => {
      if (head.length < 4096) head += chunk.toString('utf8');
    });
    stream.on('end', () => {
      received++;
      const id = /^message-id:\s*(<[^>]+>)/im.exec(head)?.[1] ?? '';
      if (id) messageIds.add(id);
      messages.push([session.envelope.rcptTo[0]?.address ?? '', id]);
      if (notifyAt.has(received)) process.send?.({ type: 'reached', count: received });
      if (delayMs > 0) setTimeout(() => callback(), delayMs);
      else callback();
    });
  },
});
// A client that dies mid-transaction (a killed worker) resets its connection: not our error.
server.on('error', () => {});

server.listen(0, '127.0.0.1', () => {
  const address = server.server.address();
  if (!address || typeof address === 'string') throw new Error('no TCP address');
  process.send?.({ port: address.port });
});

process.on('message', (message: { type: string; counts?: number[] }) => {
  if (message.type === 'count') process.send?.({ received, unique: messageIds.size });
  if (message.type === 'notify-at') {
    notifyAt = new Set(message.counts);
    process.send?.({ notifying: message.counts });
  }
  if (message.type === 'messages') process.send?.({ messages });
  if (message.type === 'reset') {
    received = 0;
    messageIds.clear();
    messages = [];
    notifyAt = new Set();
    process.send?.({ reset: true });
  }
});
