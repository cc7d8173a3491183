// Notebook 10's pair: an SMTP server on loopback and the service sending to it, started and
// stopped together, so running the cell again replaces both (replaceGlobalHandle) and the service
// never points at a mail server that is gone.
import { startMailCatcher, type MailCatcher } from './mail-catcher';
import { startTutorialServer, type TutorialServer } from './tutorial-server';

export interface MailLab {
  catcher: MailCatcher;
  server: TutorialServer;
  close(): Promise<void>;
}

/**
 * `env` adds configuration variables to the service (SMTP_URL is the catcher's).
 *
 * @example
 * const lab = await replaceGlobalHandle('10-mail', () => startMailLab({ MAIL_RETRY_BASE: '1s' }));
 */
export async function startMailLab(env: Record<string, string> = {}): Promise<MailLab> {
  const catcher = await startMailCatcher();
  try {
    const server = await startTutorialServer({ ...env, SMTP_URL: catcher.url });
    return {
      catcher,
      server,
      async close() {
        await server.close();
        await catcher.close();
      },
    };
  } catch (error) {
    await catcher.close();
    throw error;
  }
}
