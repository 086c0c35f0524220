/** Users and passwords as identity's rules see them: login with lockout, creation, hashing, the admin API's representations. */
export { ensureInitialAdmin } from './initial-admin.js';
export { INVALID_LOGIN_MESSAGE, attemptLogin, lockoutMessage } from './login.js';
export { PASSWORD_MIN_LENGTH, createPasswordHasher, generatePassword, passwordProblem } from './passwords.js';
export type { PasswordHasher } from './passwords.js';
export {
  UPDATE_PASSWORD_ACTION,
  groupNameFromReference,
  toGroupRepresentation,
  toUserRepresentation,
} from './representations.js';
export { checkEmail, checkName, checkPassword, createUser, duplicateMessage } from './users.js';
