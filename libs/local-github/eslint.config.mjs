import base, { allowLocalAws } from '../../eslint.config.mjs';

// The stand-in GitHub is built on local-aws's recording server.
export default [...base, allowLocalAws];
