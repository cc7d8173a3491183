// Email: verifying an address, asking for a new link, and the forgotten-password pair. The answers
// of /password/forgot never depend on whether the address has an account.
import { Router } from 'express';
import type { AuthService } from '../../auth/auth-service';
import { FORGOT_PASSWORD_ANSWER } from '../../auth/password-reset';
import { requireAuth } from '../guards';
import { contextOf, currentUser, parseWith } from '../request-context';
import { forgotPasswordBody, resetPasswordBody, verifyEmailBody } from '../schemas';

export function emailRoutes(auth: AuthService): Router {
  const router = Router();

  router.post('/email/verify', async (req, res) => {
    const { token } = parseWith(verifyEmailBody, req.body);
    const user = await auth.verifyEmail(token, contextOf(req));
    res.json({ message: 'Email address verified', user: { id: user.id, email: user.email, email_verified: true } });
  });

  router.post('/email/verify/resend', requireAuth(auth), async (req, res) => {
    const sent = await auth.resendVerification(currentUser(res), contextOf(req));
    if (sent) res.status(202).json({ message: 'A new verification link is on its way; earlier links no longer work' });
    else res.json({ message: 'Email address already verified' });
  });

  router.post('/password/forgot', async (req, res) => {
    const { email } = parseWith(forgotPasswordBody, req.body);
    await auth.forgotPassword(email, contextOf(req));
    res.status(202).json({ message: FORGOT_PASSWORD_ANSWER });
  });

  router.post('/password/reset', async (req, res) => {
    const body = parseWith(resetPasswordBody, req.body);
    const { sessionsEnded } = await auth.resetPassword({ token: body.token, newPassword: body.new_password }, contextOf(req));
    res.json({ message: 'Password reset; every session has been ended', sessions_ended: sessionsEnded });
  });

  return router;
}
