import { basicFlow } from '../../src/testing/smoke/basic-flow.js';
import { smokeTest } from './smoke-test.js';

smokeTest(basicFlow);
