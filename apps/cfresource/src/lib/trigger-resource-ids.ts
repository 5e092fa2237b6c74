/** Physical id of a Create that failed before writing anything (see trigger-resource.ts). */
export const CREATE_FAILED_ID = 'monorepo-triggers:create-failed';
