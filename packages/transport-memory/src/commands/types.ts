import type { RedisArg, Reply } from '@cachex/core';
import type { Keyspace } from '../keyspace.js';

/** Runs one command on the keyspace; errors are thrown as `ReplyError`s. */
type CommandHandler = (db: Keyspace, args: readonly RedisArg[]) => Reply;

/** A command: its Redis arity (the name counts; negative = at least) and its handler. */
export interface CommandSpec {
  readonly arity: number;
  readonly run: CommandHandler;
}

/** Commands by upper-case name. */
export type CommandTable = Readonly<Record<string, CommandSpec>>;
