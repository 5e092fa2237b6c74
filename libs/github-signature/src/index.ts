export { sign, signatureFormatFailure, verify, SIGNATURE_PREFIX } from './signature';
export type { VerifyInput, VerifyResult, VerifyFailure } from './signature';
