import { afterAll, beforeAll, expect, test } from 'vitest';
import { createMailer } from '../src/mailer.ts';
import { startTestMailServer, type TestMailServer } from './mail-server.ts';

let smtp: TestMailServer;
beforeAll(async () => {
  smtp = await startTestMailServer();
});
afterAll(async () => {
  await smtp.close();
});

const message = {
  to: 'ada@example.com',
  subject: 'Hello from Bucketgrid',
  text: 'Plain words.',
  html: '<p>Plain <b>words</b>.</p>',
};

test('a message reaches the SMTP server with its text, HTML and From address', async () => {
  const mailer = createMailer({ smtpUrl: smtp.url, from: 'Bucketgrid <grid@example.com>' });
  const arrived = smtp.nextMessageTo('ada@example.com');
  await expect(mailer.send(message)).resolves.toBe('sent');
  const mail = await arrived;
  expect(mail.subject).toBe('Hello from Bucketgrid');
  expect(mail.text?.trim()).toBe('Plain words.');
  expect(mail.html).toContain('<b>words</b>');
  expect(mail.from?.value[0]).toMatchObject({ name: 'Bucketgrid', address: 'grid@example.com' });
  mailer.close();
});

test('a failing mail server is an outcome, not an exception, and the log holds no content', async () => {
  const logged: unknown[] = [];
  const mailer = createMailer({
    smtpUrl: smtp.url,
    logger: (...entry) => logged.push(entry),
  });
  smtp.refuseMessages(true);
  try {
    await expect(mailer.send({ ...message, text: 'secret-token' })).resolves.toBe('failed');
  } finally {
    smtp.refuseMessages(false);
  }
  expect(JSON.stringify(logged)).not.toContain('secret-token');
  // Wrong credentials and an address nobody listens on fail the same way.
  const wrongPassword = createMailer({ smtpUrl: smtp.url.replace('smtp-secret', 'nope') });
  await expect(wrongPassword.send(message)).resolves.toBe('failed');
  const nobody = createMailer({ smtpUrl: 'smtp://127.0.0.1:1' });
  await expect(nobody.send(message)).resolves.toBe('failed');
  for (const m of [mailer, wrongPassword, nobody]) m.close();
});

test('without SMTP_URL email is off and nothing is sent', async () => {
  const mailer = createMailer({});
  expect(mailer.enabled).toBe(false);
  await expect(mailer.send(message)).resolves.toBe('off');
});

test('a SMTP_URL that is not smtp:// or smtps:// is refused at start', () => {
  expect(() => createMailer({ smtpUrl: 'http://mail.example.com' })).toThrow(/smtp:\/\//);
});
