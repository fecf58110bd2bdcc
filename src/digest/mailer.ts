import { Inject, Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import nodemailer, { type Transporter } from 'nodemailer';
import { APP_CONFIG, type AppConfig } from '../config/config.js';

export interface Mail {
  to: string;
  subject: string;
  text: string;
  html: string;
}

/**
 * E-mail through SMTP (`SMTP_URL`, nodemailer). Without it nothing is sent: the mail is
 * logged, and a digest can be read at GET /me/digest.
 */
@Injectable()
export class Mailer implements OnApplicationShutdown {
  private readonly logger = new Logger('Mailer');
  private readonly transport?: Transporter;

  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {
    const url = config.notifications.mail.smtpUrl;
    if (url) this.transport = nodemailer.createTransport(url);
  }

  get enabled(): boolean {
    return this.transport !== undefined;
  }

  /** Sends, or logs when no SMTP server is configured; true when handed to the server. */
  async send(mail: Mail): Promise<boolean> {
    if (!this.transport) {
      this.logger.log({ to: mail.to, subject: mail.subject, text: mail.text }, 'e-mail not sent (no SMTP_URL): logged only');
      return false;
    }
    await this.transport.sendMail({ from: this.config.notifications.mail.from, ...mail });
    return true;
  }

  onApplicationShutdown(): void {
    this.transport?.close();
  }
}
