/**
 * @aisaws/loop-load — the load engine behind `pnpm bench:loop`: the event mix, the driver over the real workflows and
 * handlers, the accounting, the simulated DynamoDB faults and the cost model. See README.md.
 */

export type { Price, PriceName } from './cost/aws-prices.js';
export { AWS_PRICES, PRICE_REGION, PRICES_CHECKED_ON } from './cost/aws-prices.js';
export type { BilledMsPerInvocation, CostEstimate, CostInputs, CostLine } from './cost/cost-model.js';
export { deployedSizing, estimateCost, meanBilledMs } from './cost/cost-model.js';
export type { DynamoCounters, DynamoFaultSwitchesInput } from './dynamo-probe.js';
export { attachDynamoProbe, DynamoFaultSwitchesSchema, emptyDynamoCounters } from './dynamo-probe.js';
export type { LoopFaults, Stage } from './loop-rig.js';
export { STAGES } from './loop-rig.js';
export type { ChangeInput, DuplicateInput, LoopInput, MalformedInput, Mix, MixOptions } from './mix.js';
export { generateMix, MixOptionsError } from './mix.js';
export type { Percentiles } from './percentiles.js';
export { percentiles } from './percentiles.js';
export { formatCostReport, formatLoopReport } from './report.js';
export type { LoopCounts, LoopResult, LoopRunOptions, Outcome, StageFigures } from './run-loop.js';
export { DEFAULT_FAULTS, LoopOptionsError, OUTCOMES, runLoop } from './run-loop.js';
export type { ExpectedAction, LoopScenario, LoopTarget } from './scenarios.js';
export { LOOP_SCENARIOS } from './scenarios.js';
