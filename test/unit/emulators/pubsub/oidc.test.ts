// Push authentication tokens: https://cloud.google.com/pubsub/docs/authenticate-push-subscriptions
import { generateKeyPairSync } from 'node:crypto';
import { pushJwks, pushPublicKeyPem, signPushToken, verifyPushToken } from '../../../../emulators/pubsub/oidc';

describe('push OIDC tokens', () => {
  const claims = { audience: 'https://ingest.example/push', email: 'pusher@p.iam.gserviceaccount.com' };

  test('a signed token verifies with the emulator key and carries Google-shaped claims', () => {
    const token = signPushToken(claims, 1_800_000_000);
    const verified = verifyPushToken(`Bearer ${token}`, { audience: claims.audience, email: claims.email, nowSeconds: 1_800_000_010 });
    expect(verified).toMatchObject({ aud: claims.audience, email: claims.email, iss: 'https://accounts.google.com', iat: 1_800_000_000 });
    expect(verified.exp).toBe(1_800_003_600);
    const [header] = token.split('.');
    expect(JSON.parse(Buffer.from(header!, 'base64url').toString())).toMatchObject({ alg: 'RS256', typ: 'JWT' });
  });

  test('verifies with the exported PEM, as a receiver in another process would', () => {
    const token = signPushToken(claims);
    expect(verifyPushToken(token, { audience: claims.audience, publicKey: pushPublicKeyPem() }).email).toBe(claims.email);
    expect(pushJwks().keys[0]).toMatchObject({ kty: 'RSA', alg: 'RS256', use: 'sig' });
  });

  test('reuses a token for the same audience and identity until 5 minutes before it expires, then signs a new one', () => {
    const reuse = { audience: 'https://reuse.example/push', email: claims.email };
    const first = signPushToken(reuse, 1_900_000_000);
    expect(signPushToken(reuse, 1_900_000_000 + 3_600 - 301)).toBe(first);
    expect(signPushToken({ ...reuse, audience: 'https://other.example/push' }, 1_900_000_001)).not.toBe(first);
    const renewed = signPushToken(reuse, 1_900_000_000 + 3_600 - 300);
    expect(renewed).not.toBe(first);
    expect(verifyPushToken(renewed, { audience: reuse.audience, nowSeconds: 1_900_003_500 }).exp).toBe(1_900_006_900);
    // A clock set back before the cached token's iat gets a fresh token, never one issued in its future.
    const earlier = signPushToken(reuse, 1_899_990_000);
    expect(verifyPushToken(earlier, { audience: reuse.audience, nowSeconds: 1_899_990_001 }).iat).toBe(1_899_990_000);
  });

  test('rejects wrong audience, wrong email, expiry, tampering and foreign keys', () => {
    const token = signPushToken(claims, 1_800_000_000);
    const now = 1_800_000_010;
    expect(() => verifyPushToken(token, { audience: 'https://other', nowSeconds: now })).toThrow('audience');
    expect(() => verifyPushToken(token, { audience: claims.audience, email: 'x@y', nowSeconds: now })).toThrow('email');
    expect(() => verifyPushToken(token, { audience: claims.audience, nowSeconds: 1_800_003_601 })).toThrow('expired');
    const [h, p, s] = token.split('.');
    const forged = Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(p!, 'base64url').toString()), email: 'evil@x' })).toString('base64url');
    expect(() => verifyPushToken(`${h}.${forged}.${s}`, { audience: claims.audience, nowSeconds: now })).toThrow('signature');
    const other = generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey;
    expect(() => verifyPushToken(token, { audience: claims.audience, publicKey: other, nowSeconds: now })).toThrow('signature');
    expect(() => verifyPushToken('not-a-jwt', { audience: claims.audience })).toThrow('malformed');
  });
});
