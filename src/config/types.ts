/**
 * The resolved configuration's types, derived from the schema (schema.ts) with `z.infer`: there is no hand-written
 * copy to keep in step. One type per YAML section; field docs live on the schema.
 */
import type { z } from 'zod';
import type { SCHEMA } from './schema.ts';

export type SedConfig = z.infer<typeof SCHEMA>;
export type DataConfig = SedConfig['data'];
export type Layout = DataConfig['layout'];
export type FeatureSettings = SedConfig['features'];
export type LogScale = FeatureSettings['log'];
export type NetConfig = SedConfig['net'];
export type ConvBlockConfig = NetConfig['conv'][number];
export type PoolingConfig = SedConfig['pooling'];
/** A name of model/pooling/registry.ts (checked by the schema at run time). */
export type PoolingName = PoolingConfig['head'];
export type TrainConfig = SedConfig['train'];
export type MeanTeacherConfig = TrainConfig['mean_teacher'];
export type PostprocessConfig = SedConfig['postprocess'];
export type EvalConfig = SedConfig['eval'];
export type ReproduceConfig = SedConfig['reproduce'];
