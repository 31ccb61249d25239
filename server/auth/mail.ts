/**
 * The mails of the account flow: the verification link and the password-reset link. With
 * `mail` configured they go out over SMTP (nodemailer); with `mail: null` each is written as
 * an `.eml` file under `data_dir/outbox/` and its link is logged, so that a fresh install
 * works without a mail server.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import nodemailer from 'nodemailer';
import type { Logger } from 'pino';
import type { Config } from '../config/index.ts';

/** Sends the mails of the account flow. */
export interface Mailer {
  /** Sends the verification link to `to`; rejects when the mail could not be handed over. */
  sendVerification(to: string, link: string): Promise<void>;
  /** Sends a password-reset link to `to`; rejects when the mail could not be handed over. */
  sendPasswordReset(to: string, link: string): Promise<void>;
  /** Closes pooled SMTP connections; idempotent. */
  close(): void;
}

const FROM_DEFAULT = 'PanthR server <panthr@localhost>';

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function verificationMessage(from: string, to: string, link: string, serverName: string) {
  return {
    from,
    to,
    subject: `Confirm your ${serverName} account`,
    text:
      `Someone (we hope you) created an account on ${serverName} with this address.\n\n` +
      `To confirm it, open this link within 24 hours:\n\n${link}\n\n` +
      `If it was not you, ignore this mail: the account stays unusable.\n`,
    html:
      `<p>Someone (we hope you) created an account on ${escapeHtml(serverName)} with this address.</p>` +
      `<p>To confirm it, open this link within 24 hours:</p>` +
      `<p><a href="${escapeHtml(link)}">${escapeHtml(link)}</a></p>` +
      `<p>If it was not you, ignore this mail: the account stays unusable.</p>`,
  };
}

function resetMessage(from: string, to: string, link: string, serverName: string) {
  return {
    from,
    to,
    subject: `Reset your ${serverName} password`,
    text:
      `Someone (we hope you) asked to reset the password of your ${serverName} account.\n\n` +
      `To choose a new password, open this link within one hour:\n\n${link}\n\n` +
      `If it was not you, ignore this mail: your password stays as it is.\n`,
    html:
      `<p>Someone (we hope you) asked to reset the password of your ${escapeHtml(serverName)} account.</p>` +
      `<p>To choose a new password, open this link within one hour:</p>` +
      `<p><a href="${escapeHtml(link)}">${escapeHtml(link)}</a></p>` +
      `<p>If it was not you, ignore this mail: your password stays as it is.</p>`,
  };
}

type Message = ReturnType<typeof verificationMessage>;

/** Chooses the transport from `config.mail`: SMTP, or `.eml` files in the outbox. */
export function createMailer(config: Config, log: Logger): Mailer {
  const mail = config.mail;
  if (mail !== null) {
    const transport = nodemailer.createTransport({
      url: mail.smtp_url,
      // A dead mail server must not hang a registration for minutes.
      connectionTimeout: 10_000,
      greetingTimeout: 10_000,
      socketTimeout: 20_000,
    } as Parameters<typeof nodemailer.createTransport>[0]);
    const send = async (message: Message, what: string): Promise<void> => {
      await transport.sendMail(message);
      log.info({ to: message.to }, `${what} mail sent`);
    };
    return {
      sendVerification: (to, link) =>
        send(verificationMessage(mail.from, to, link, config.name), 'verification'),
      sendPasswordReset: (to, link) =>
        send(resetMessage(mail.from, to, link, config.name), 'password reset'),
      close: () => transport.close(),
    };
  }
  const outbox = path.join(config.data_dir, 'outbox');
  const transport = nodemailer.createTransport({
    streamTransport: true,
    buffer: true,
    newline: 'unix',
  });
  const send = async (message: Message, what: string, link: string): Promise<void> => {
    const info = await transport.sendMail(message);
    await mkdir(outbox, { recursive: true, mode: 0o700 });
    const stamp = new Date().toISOString().replace(/[:.]/g, '-');
    const file = path.join(outbox, `${stamp}-${randomBytes(4).toString('hex')}.eml`);
    // The file holds a live token: readable by the server's user only.
    await writeFile(file, info.message as Buffer, { mode: 0o600 });
    log.info(
      { to: message.to, file, link },
      `no mail server configured: ${what} mail written to the outbox`,
    );
  };
  return {
    sendVerification: (to, link) =>
      send(verificationMessage(FROM_DEFAULT, to, link, config.name), 'verification', link),
    sendPasswordReset: (to, link) =>
      send(resetMessage(FROM_DEFAULT, to, link, config.name), 'password reset', link),
    close: () => transport.close(),
  };
}
