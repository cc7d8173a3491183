// The second factor's methods of the AuthService (auth-service.ts spreads them in): TOTP enrolment
// and removal, the second step of a login, passkeys, re-authentication, and the admin's reset.
import type {
  AuthenticationResponseJSON,
  PublicKeyCredentialCreationOptionsJSON,
  PublicKeyCredentialRequestOptionsJSON,
  RegistrationResponseJSON,
} from '@simplewebauthn/server';
import type { PasskeyRecord } from '../db/mfa-store';
import type { RequestUser } from '../db/store';
import type { AuthDeps, RequestContext, UserGrant } from './deps';
import * as freshAuth from './fresh-auth';
import * as loginRules from './login';
import * as passkeys from './passkeys';
import type { SecondFactorProof } from './second-factor-check';
import * as secondFactor from './second-factor';

export interface SecondFactorService {
  setupTotp(user: RequestUser, password: string, deviceToken: string | null, context: RequestContext): Promise<secondFactor.TotpSetup>;
  confirmTotp(user: RequestUser, code: string, context: RequestContext): Promise<{ recoveryCodes: string[] }>;
  removeTotp(user: RequestUser, proof: SecondFactorProof, context: RequestContext): Promise<void>;
  loginWithSecondFactor(mfaToken: string, proof: SecondFactorProof, context: RequestContext): Promise<UserGrant>;
  reauthenticate(user: RequestUser, proof: freshAuth.Reauthentication, context: RequestContext): Promise<void>;
  resetSecondFactors(actor: RequestUser, userId: number, context: RequestContext): Promise<void>;
  passkeyRegistrationOptions(user: RequestUser): Promise<PublicKeyCredentialCreationOptionsJSON>;
  verifyPasskeyRegistration(user: RequestUser, response: RegistrationResponseJSON, name: string | undefined, context: RequestContext): Promise<PasskeyRecord>;
  passkeyLoginOptions(): Promise<PublicKeyCredentialRequestOptionsJSON>;
  loginWithPasskey(response: AuthenticationResponseJSON, context: RequestContext): Promise<UserGrant>;
  listPasskeys(user: RequestUser): Promise<PasskeyRecord[]>;
  removePasskey(user: RequestUser, id: string, context: RequestContext): Promise<void>;
}

export function createSecondFactorService(deps: AuthDeps): SecondFactorService {
  return {
    setupTotp: (user, password, deviceToken, context) => secondFactor.setupTotp(deps, user, password, deviceToken, context),
    confirmTotp: (user, code, context) => secondFactor.confirmTotp(deps, user, code, context),
    removeTotp: (user, proof, context) => secondFactor.removeTotp(deps, user, proof, context),
    loginWithSecondFactor: (mfaToken, proof, context) => loginRules.loginWithSecondFactor(deps, mfaToken, proof, context),
    reauthenticate: (user, proof, context) => freshAuth.reauthenticate(deps, user, proof, context),
    resetSecondFactors: (actor, userId, context) => secondFactor.resetSecondFactors(deps, actor, userId, context),
    passkeyRegistrationOptions: (user) => passkeys.registrationOptions(deps, user),
    verifyPasskeyRegistration: (user, response, name, context) => passkeys.verifyRegistration(deps, user, response, name, context),
    passkeyLoginOptions: () => passkeys.loginOptions(deps),
    loginWithPasskey: (response, context) => passkeys.loginWithPasskey(deps, response, context),
    listPasskeys: (user) => passkeys.listPasskeys(deps, user),
    removePasskey: (user, id, context) => passkeys.removePasskey(deps, user, id, context),
  };
}
