/** Fewest characters a new password may have: 12 (NIST SP 800-63B asks for at least 8). */
export const minPasswordLength = 12;

/** Most characters a password may have: 1024, which bounds the hashing work per request. */
export const maxPasswordLength = 1024;

/**
 * Usernames shorter than this are not searched for inside passwords: any password "contains"
 * a one- or two-letter name by accident.
 */
const minUsernameLengthToSearch = 3;

/**
 * Passwords that guessers try first and that pass the length rule, compared case-insensitively.
 * A short list kept in code on purpose: it stops the obvious choices (keyboard walks, repeated
 * words, product names with a year) without shipping a breach corpus.
 */
const commonPasswords = new Set([
  '000000000000',
  '111111111111',
  '112233445566',
  '121212121212',
  '123123123123',
  '1234567890ab',
  '123456789012',
  '1234567890123',
  '12345678910111',
  '123456123456',
  '123456654321',
  '123456789abc',
  '123456789qwe',
  '123qweasdzxc',
  '1q2w3e4r5t6y',
  '1qaz2wsx3edc',
  '1qazxsw23edc',
  '147258369147',
  '987654321000',
  'a1b2c3d4e5f6',
  'aaaaaaaaaaaa',
  'abc123abc123',
  'abcd1234abcd',
  'abcdefghijkl',
  'abcdefgh1234',
  'access123456',
  'admin1234567',
  'adminadmin12',
  'administrator',
  'administrator1',
  'asdfghjkl123',
  'asdfasdfasdf',
  'baseball1234',
  'changeme1234',
  'changemenow!',
  'charlie12345',
  'computer1234',
  'correcthorsebatterystaple',
  'default12345',
  'dragon123456',
  'football1234',
  'freedom12345',
  'hello1234567',
  'helloworld12',
  'helloworld123',
  'iloveyou1234',
  'iloveyou12345',
  'letmein12345',
  'letmeinplease',
  'login1234567',
  'master123456',
  'michael12345',
  'monkey123456',
  'mypassword12',
  'mypassword123',
  'nopassword12',
  'p@ssw0rd1234',
  'p@ssword1234',
  'passw0rd1234',
  'password0000',
  'password1111',
  'password1234',
  'password12345',
  'password123!',
  'password2024',
  'password2025',
  'password2026',
  'password2027',
  'passwordpassword',
  'princess1234',
  'qazwsxedcrfv',
  'qwerty123456',
  'qwertyqwerty',
  'qwertyuiop12',
  'qwertyuiop123',
  'qwertyuiopasdf',
  'qwer1234qwer',
  'raydeck12345',
  'raydeckadmin',
  'secret123456',
  'shadow123456',
  'starwars1234',
  'summer123456',
  'sunshine1234',
  'superman1234',
  'test12345678',
  'testtesttest',
  'trustno1trustno1',
  'welcome12345',
  'welcome123456',
  'welcometoraydeck',
  'whatever1234',
  'winter123456',
  'zaq12wsxcde3',
  'zaq1zaq1zaq1',
  'zxcvbnm12345',
  'zxcvbnmasdfg',
  'kubernetes123',
  'kubernetes1234',
]);

/**
 * The one password rule of the portal, for the server (user creation, password change, admin
 * reset) and for the web forms alike. Returns why `password` is not acceptable for `username`,
 * as a sentence fragment to show under the input, or undefined when it is fine:
 * - at least {@link minPasswordLength} and at most {@link maxPasswordLength} characters;
 * - not the username, and not containing it (case-insensitive; names of 3 characters or more);
 * - not one of a short list of common passwords (case-insensitive).
 */
export function passwordProblem(password: string, username: string): string | undefined {
  if ([...password].length < minPasswordLength) {
    return `must be at least ${minPasswordLength} characters long`;
  }
  if (password.length > maxPasswordLength) {
    return `must be at most ${maxPasswordLength} characters long`;
  }
  const lowered = password.toLowerCase();
  const name = username.trim().toLowerCase();
  if (name !== '' && lowered === name) return 'must not be the username';
  if (name.length >= minUsernameLengthToSearch && lowered.includes(name)) {
    return 'must not contain the username';
  }
  if (commonPasswords.has(lowered)) return 'is too common; choose a less guessable one';
  return undefined;
}
