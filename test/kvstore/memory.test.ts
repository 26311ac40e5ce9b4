import { createKvStore } from '../../src/kvstore/index.js';
import { kvStoreContract, storeSettings } from './contract.js';

kvStoreContract('memory', ({ now, limits, logger }) => createKvStore(storeSettings('memory', limits), { logger, now }));
