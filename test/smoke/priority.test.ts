import { noStarvationScenario, priorityLanesScenario } from '../../src/testing/smoke/priority.js';
import { smokeTest } from './smoke-test.js';

smokeTest(priorityLanesScenario);
smokeTest(noStarvationScenario);
