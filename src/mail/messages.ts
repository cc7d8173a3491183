// What authbook's messages say, in plain text and HTML. Links carry their token in the URL
// fragment (PUBLIC_URL/app/reset#token=...): a browser never sends a fragment to a server, so the
// token reaches neither access logs nor a Referer header. No I/O here: the rules hand these drafts
// to the store, which writes them to the outbox in the same transaction as their cause.
import type { MailDraft, MailKind } from '../db/mail-store';
import { escapeHtml } from '../notebook/html';

/** The page's routes a link opens: the verification landing and the reset form. */
export const LINK_PATHS = { verify: '/app/verify', reset: '/app/reset' } as const;

export const linkWithToken = (baseUrl: string, page: keyof typeof LINK_PATHS, token: string): string => `${baseUrl}${LINK_PATHS[page]}#token=${token}`;

const minutes = (seconds: number) => (seconds % 3600 === 0 ? `${seconds / 3600} hour${seconds === 3600 ? '' : 's'}` : `${Math.round(seconds / 60)} minutes`);

/** One message from its paragraphs and at most one link: the HTML is the text, escaped, with the link as a button. */
function draft(kind: MailKind, subject: string, paragraphs: string[], link?: { label: string; url: string }): MailDraft {
  const text = [...paragraphs.slice(0, 1), ...(link ? [`${link.label}: ${link.url}`] : []), ...paragraphs.slice(1), '— authbook'].join('\n\n');
  const p = (line: string) => `<p>${escapeHtml(line)}</p>`;
  const button = link ? `<p><a href="${escapeHtml(link.url)}" style="display:inline-block;padding:8px 14px;background:#2457c5;color:#fff;text-decoration:none;border-radius:4px">${escapeHtml(link.label)}</a></p>` : '';
  const html = `<!doctype html><html><body style="font-family:sans-serif;line-height:1.5">${p(paragraphs[0])}${button}${paragraphs.slice(1).map(p).join('')}<p>— authbook</p></body></html>`;
  return { kind, subject, text, html };
}

export function verificationMessage(url: string, ttlSeconds: number): MailDraft {
  return draft('verify_email', 'Confirm your email address', [
    'Please confirm that this address belongs to your authbook account.',
    `The link works once, for ${minutes(ttlSeconds)}. If you did not create an account, ignore this message.`,
  ], { label: 'Confirm my address', url });
}

export function emailChangeMessage(url: string, ttlSeconds: number): MailDraft {
  return draft('email_change', 'Confirm your new email address', [
    'Someone (hopefully you) asked to move an authbook account to this address. It moves when you open the link.',
    `The link works once, for ${minutes(ttlSeconds)}. If this was not you, ignore this message: nothing changes.`,
  ], { label: 'Use this address', url });
}

export function resetMessage(url: string, ttlSeconds: number): MailDraft {
  return draft('password_reset', 'Reset your password', [
    'Someone (hopefully you) asked to reset the password of the authbook account with this address.',
    `The link works once, for ${minutes(ttlSeconds)}; asking again makes it useless. If this was not you, ignore this message: your password stays as it is.`,
  ], { label: 'Choose a new password', url });
}

/** The security events a notice tells an account's owner about. */
export type NoticeEvent = 'password_changed' | 'password_reset' | 'email_changed' | 'second_factor_added' | 'second_factor_removed';

const NOTICES: Record<NoticeEvent, { kind: MailKind; subject: string; what: string }> = {
  password_changed: { kind: 'notice_password_changed', subject: 'Your password was changed', what: 'The password of your authbook account was changed.' },
  password_reset: { kind: 'notice_password_reset', subject: 'Your password was reset', what: 'The password of your authbook account was reset through an emailed link, and every session was ended.' },
  email_changed: { kind: 'notice_email_changed', subject: 'Your email address was changed', what: 'Your authbook account no longer uses this address: it was moved to another one.' },
  second_factor_added: { kind: 'notice_second_factor_added', subject: 'A second factor was added', what: 'A second factor was added to your authbook account.' },
  second_factor_removed: { kind: 'notice_second_factor_removed', subject: 'A second factor was removed', what: 'A second factor was removed from your authbook account.' },
};

/** A short security notice; `detail` adds one line (e.g. the new address, partly hidden). */
export function noticeMessage(event: NoticeEvent, at: number, detail?: string): MailDraft {
  const notice = NOTICES[event];
  return draft(notice.kind, notice.subject, [
    notice.what,
    ...(detail ? [detail] : []),
    `When: ${new Date(at).toISOString()}. If this was you, there is nothing to do. If it was not, reset your password at once and contact your administrator.`,
  ]);
}
