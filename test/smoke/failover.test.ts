import { killMidRunScenario, killMidTaskScenario } from '../../src/testing/smoke/failover.js';
import { smokeTest } from './smoke-test.js';

smokeTest(killMidTaskScenario);
smokeTest(killMidRunScenario);
