import type { Role } from '@bucketgrid/shared';
import { escapeHtml, type MailMessage, PRODUCT_NAME } from './mailer.ts';

/** The invitation email: who invites, to which dashboard, as what, and the link. */
export function invitationMail(input: {
  to: string;
  inviterName: string;
  dashboardName: string;
  role: Role;
  link: string;
  expiresAt: number;
}): MailMessage {
  const { inviterName, dashboardName, role, link } = input;
  const expires = new Date(input.expiresAt).toUTCString();
  const subject = `${inviterName} invited you to “${dashboardName}” on ${PRODUCT_NAME}`;
  const text = [
    `${inviterName} invited you to the dashboard “${dashboardName}” on ${PRODUCT_NAME}, as ${role}.`,
    '',
    `Accept the invitation: ${link}`,
    '',
    `The link works once and until ${expires}. If you did not expect it, ignore this email.`,
  ].join('\n');
  const html = `<p>${escapeHtml(inviterName)} invited you to the dashboard <strong>${escapeHtml(dashboardName)}</strong> on ${PRODUCT_NAME}, as ${role}.</p>
<p><a href="${escapeHtml(link)}">Accept the invitation</a></p>
<p>The link works once and until ${escapeHtml(expires)}. If you did not expect it, ignore this email.</p>`;
  return { to: input.to, subject, text, html };
}
