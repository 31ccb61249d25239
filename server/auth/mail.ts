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

/** The wording of one kind of mail, around its link. */
interface Wording {
  readonly what: string;
  readonly subject: (serverName: string) => string;
  readonly intro: (serverName: string) => string;
  readonly action: string;
  readonly ignore: string;
}

const VERIFICATION: Wording = {
  what: 'verification',
  subject: (name) => `Confirm your ${name} account`,
  intro: (name) => `Someone (we hope you) created an account on ${name} with this address.`,
  action: 'To confirm it, open this link within 24 hours:',
  ignore: 'If it was not you, ignore this mail: the account stays unusable.',
};

const PASSWORD_RESET: Wording = {
  what: 'password reset',
  subject: (name) => `Reset your ${name} password`,
  intro: (name) => `Someone (we hope you) asked to reset the password of your ${name} account.`,
  action: 'To choose a new password, open this link within one hour:',
  ignore: 'If it was not you, ignore this mail: your password stays as it is.',
};

/** A mail of `wording` carrying `link`, as plain text and as HTML. */
function message(wording: Wording, from: string, to: string, link: string, serverName: string) {
  const intro = wording.intro(serverName);
  return {
    from,
    to,
    subject: wording.subject(serverName),
    text: `${intro}\n\n${wording.action}\n\n${link}\n\n${wording.ignore}\n`,
    html:
      `<p>${escapeHtml(intro)}</p>` +
      `<p>${escapeHtml(wording.action)}</p>` +
      `<p><a href="${escapeHtml(link)}">${escapeHtml(link)}</a></p>` +
      `<p>${escapeHtml(wording.ignore)}</p>`,
  };
}

type Message = ReturnType<typeof message>;

/**
 * Chooses the transport from `config.mail`: SMTP, or `.eml` files in the outbox. The choice
 * is made again when `config.mail` changes (a configuration reload); the old transport is
 * closed then.
 */
export function createMailer(config: Config, log: Logger): Mailer {
  let made: { mail: Config['mail']; transport: Transport } | undefined;
  const transport = (): Transport => {
    if (made?.mail !== config.mail) {
      made?.transport.close();
      const mail = config.mail;
      made = {
        mail,
        transport: mail === null ? outboxTransport(config, log) : smtpTransport(mail, log),
      };
    }
    return made.transport;
  };
  const send = (wording: Wording, to: string, link: string): Promise<void> => {
    const { deliver, from } = transport();
    return deliver(message(wording, from, to, link, config.name), wording.what, link);
  };
  return {
    sendVerification: (to, link) => send(VERIFICATION, to, link),
    sendPasswordReset: (to, link) => send(PASSWORD_RESET, to, link),
    close: () => made?.transport.close(),
  };
}

/** How a mail is handed over, and the sender it goes out as. */
interface Transport {
  readonly deliver: (message: Message, what: string, link: string) => Promise<void>;
  readonly from: string;
  readonly close: () => void;
}

function smtpTransport(mail: NonNullable<Config['mail']>, log: Logger): Transport {
  const transport = nodemailer.createTransport({
    url: mail.smtp_url,
    // A dead mail server must not hang a registration for minutes.
    connectionTimeout: 10_000,
    greetingTimeout: 10_000,
    socketTimeout: 20_000,
  } as Parameters<typeof nodemailer.createTransport>[0]);
  return {
    async deliver(message, what) {
      await transport.sendMail(message);
      log.info({ to: message.to }, `${what} mail sent`);
    },
    from: mail.from,
    close: () => transport.close(),
  };
}

function outboxTransport(config: Config, log: Logger): Transport {
  const outbox = path.join(config.data_dir, 'outbox');
  const transport = nodemailer.createTransport({
    streamTransport: true,
    buffer: true,
    newline: 'unix',
  });
  return {
    async deliver(message, what, link) {
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
    },
    from: FROM_DEFAULT,
    close: () => transport.close(),
  };
}
