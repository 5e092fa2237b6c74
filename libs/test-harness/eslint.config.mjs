import base, { allowLocalAws } from '../../eslint.config.mjs';

export default [...base, allowLocalAws];
