import { escapeHtml, type MailMessage, PRODUCT_NAME } from './mailer.ts';

/** The password reset email: the link, how long it works, and what to do if unexpected. */
export function passwordResetMail(input: { to: string; name: string; link: string }): MailMessage {
  const subject = `Reset your ${PRODUCT_NAME} password`;
  const text = [
    `Hello ${input.name},`,
    '',
    `Someone (hopefully you) asked to reset the password of your ${PRODUCT_NAME} account.`,
    `Choose a new password: ${input.link}`,
    '',
    'The link works once, for one hour, and signs you out everywhere else.',
    'If you did not ask for it, ignore this email: your password stays as it is.',
  ].join('\n');
  const html = `<p>Hello ${escapeHtml(input.name)},</p>
<p>Someone (hopefully you) asked to reset the password of your ${PRODUCT_NAME} account.</p>
<p><a href="${escapeHtml(input.link)}">Choose a new password</a></p>
<p>The link works once, for one hour, and signs you out everywhere else. If you did not ask for it, ignore this email: your password stays as it is.</p>`;
  return { to: input.to, subject, text, html };
}
