import type { AddressInfo } from 'node:net';
import { type ParsedMail, simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';

/** A real SMTP server in the test process: what the app delivers, parsed as a mail client would. */
export interface TestMailServer {
  /** `smtp://user:password@127.0.0.1:port`, as SMTP_URL. */
  url: string;
  /** Every message delivered so far. */
  messages: ParsedMail[];
  /** The first message to `to` delivered from now on (waits up to `timeoutMs`). */
  nextMessageTo(to: string, timeoutMs?: number): Promise<ParsedMail>;
  /** From now on every message is refused, as a broken mail server would (or accepted again). */
  refuseMessages(refuse: boolean): void;
  close(): Promise<void>;
}

export const TEST_SMTP_USER = 'bucketgrid';
export const TEST_SMTP_PASSWORD = 'smtp-secret';

export async function startTestMailServer(): Promise<TestMailServer> {
  const messages: ParsedMail[] = [];
  const waiting: { to: string; resolve: (mail: ParsedMail) => void }[] = [];
  let refusing = false;
  const server = new SMTPServer({
    // Plain SMTP with a password on loopback: the test has no certificate to offer.
    disabledCommands: ['STARTTLS'],
    allowInsecureAuth: true,
    logger: false,
    onAuth(auth, _session, callback) {
      if (auth.username === TEST_SMTP_USER && auth.password === TEST_SMTP_PASSWORD) {
        callback(null, { user: auth.username });
      } else callback(new Error('Invalid username or password'));
    },
    onData(stream, _session, callback) {
      if (refusing) {
        stream.resume();
        stream.on('end', () => callback(new Error('Mailbox unavailable')));
        return;
      }
      simpleParser(stream)
        .then((mail) => {
          messages.push(mail);
          const recipients = [mail.to].flat().flatMap((to) => to?.value.map((a) => a.address));
          for (const [i, wait] of [...waiting.entries()].reverse()) {
            if (recipients.includes(wait.to)) {
              waiting.splice(i, 1);
              wait.resolve(mail);
            }
          }
          callback();
        })
        .catch(callback);
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.server.address() as AddressInfo;
  return {
    url: `smtp://${TEST_SMTP_USER}:${TEST_SMTP_PASSWORD}@127.0.0.1:${port}`,
    messages,
    nextMessageTo(to, timeoutMs = 10_000) {
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no message to ${to}`)), timeoutMs);
        waiting.push({
          to,
          resolve: (mail) => {
            clearTimeout(timer);
            resolve(mail);
          },
        });
      });
    },
    refuseMessages(refuse) {
      refusing = refuse;
    },
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
