/**
 * `keen sendtestemail ADDRESS… [--admins]`: sends one short message now (not through the job queue)
 * with the configured backend, so the EMAIL_* settings can be tried before anyone needs a reset mail
 * (Django's sendtestemail). An SMTP failure is one line and exit status 1.
 */

import { createEmailSender } from '../../contrib/email/backends.js';
import { checkHeaders } from '../../contrib/email/message.js';
import { CommandError } from '../../errors.js';
import { isEmailAddress } from '../../settings/email.js';
import { loadRuntimeSettings } from '../../settings/runtime.js';
import { type Command, parseArgs } from '../command.js';

export const sendtestemailCommand: Command = {
  usage: 'keen sendtestemail ADDRESS… [--admins]',
  async run(args) {
    const { flags, positional } = parseArgs(args);
    const unknown = [...flags].find((flag) => flag !== 'admins');
    if (unknown) throw new CommandError(`unexpected argument --${unknown.slice(0, 40)}`);
    const bad = positional.find((address) => !isEmailAddress(address));
    if (bad !== undefined) throw new CommandError(`"${bad.slice(0, 100)}" is not an email address`);
    const { settings } = loadRuntimeSettings();
    const { email } = settings;
    if (flags.has('admins') && email.admins.length === 0) throw new CommandError('--admins: ADMINS is empty');
    const recipients = [...positional, ...(flags.has('admins') ? email.admins : [])];
    if (recipients.length === 0)
      throw new CommandError('needs an ADDRESS or --admins: keen sendtestemail ADDRESS…');
    if (email.backend === 'none')
      throw new CommandError('no email backend: set EMAIL_HOST (or EMAIL_BACKEND=console to print messages)');
    const sender = createEmailSender(email);
    const message = {
      to: recipients,
      from: flags.has('admins') ? email.serverEmail : email.defaultFrom,
      subject: `${email.subjectPrefix}Test email from ${new Date().toISOString()}`,
      text: 'If you are reading this, Keen can send email with its EMAIL_* settings.\n',
    };
    checkHeaders(message);
    try {
      await sender.send(message);
    } finally {
      sender.close();
    }
    process.stdout.write(
      `sent a test email to ${recipients.join(', ')} through ${email.backend === 'smtp' ? `${email.host}:${email.port}` : 'the console'}\n`,
    );
    return 0;
  },
};
