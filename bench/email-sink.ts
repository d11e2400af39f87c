/**
 * A local SMTP sink for bench/email.ts, in its own process so that receiving does not share the
 * sender's event loop. Counts complete messages (and their Message-IDs) and reports over IPC.
 */
import { SMTPServer } from 'smtp-server';

const messageIds = new Set<string>();
let received = 0;

const server = new SMTPServer({
  authOptional: true,
  disabledCommands: ['STARTTLS'],
  logger: false,
  size: 1024 * 1024,
  onData(stream, _session, callback) {
    let head = '';
    stream.on('data', (chunk: Buffer) => {
      if (head.length < 4096) head += chunk.toString('utf8');
    });
    stream.on('end', () => {
      received++;
      const id = /^message-id:\s*(<[^>]+>)/im.exec(head)?.[1];
      if (id) messageIds.add(id);
      callback();
    });
  },
});

server.listen(0, '127.0.0.1', () => {
  const address = server.server.address();
  if (!address || typeof address === 'string') throw new Error('no TCP address');
  process.send?.({ port: address.port });
});

process.on('message', (message: { type: string }) => {
  if (message.type === 'count') process.send?.({ received, unique: messageIds.size });
  if (message.type === 'reset') {
    received = 0;
    messageIds.clear();
    process.send?.({ reset: true });
  }
});
