// @isthmus/bots: the keeper, settlement crank, heartbeat crank and feeder (docs/bots.md).
export * from './chain';
export * from './config';
export * from './decimal';
export * from './feeder';
export * from './heartbeat';
export * from './keeper';
export * from './log';
export * from './settlement';
export * from './sources';
export { parseArgs, main, BOTS, type BotName, type CliArgs } from './cli';
