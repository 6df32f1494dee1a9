import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { MODEL_FILE, ModelError, checkModel, loadModel, loadModelOptions, withOptions } from './model.ts'
import { CONFIDENCE_INPUTS, FEATURES } from './ranker.ts'

const shipped = () => JSON.parse(readFileSync(MODEL_FILE, 'utf8')) as Record<string, any>

/** The problems checkModel finds in the shipped model after `change`. */
function problems(change: (m: Record<string, any>) => void): string[] {
  const m = shipped()
  change(m)
  try {
    checkModel(m)
  } catch (err) {
    expect(err).toBeInstanceOf(ModelError)
    return (err as ModelError).problems
  }
  return []
}

describe('model.json', () => {
  it('ships a model with a weight for every feature and every confidence input, and every option', () => {
    const m = loadModel()
    expect(Object.keys(m.rank).sort()).toEqual([...FEATURES].sort())
    expect(Object.keys(m.rankLetter).sort()).toEqual([...FEATURES].sort())
    expect(Object.keys(m.confidence).sort()).toEqual([...CONFIDENCE_INPUTS].sort())
    expect(m.options).toMatchObject({ cutMode: 'cut', pool: 30, viewWeights: { word: 1, gram: 1, sound: 0.5 } })
  })

  it('refuses a weight or option it does not know, naming it', () => {
    expect(problems((m) => { m.rank.charDise = 1 })).toEqual(['未知的键 rank.charDise'])
    expect(problems((m) => { m.options.poll = 30 })).toEqual(['未知的键 options.poll'])
    expect(problems((m) => { m.extra = {} })).toEqual(['未知的键 extra'])
    expect(problems((m) => { m.options.constructor = 1 })).toEqual(['未知的键 options.constructor'])
  })

  it('refuses a missing weight or option, naming it', () => {
    expect(problems((m) => { delete m.rank.charDice })).toEqual(['缺少 rank.charDice'])
    expect(problems((m) => { delete m.confidence.margin })).toEqual(['缺少 confidence.margin'])
    expect(problems((m) => { delete m.options.viewWeights.sound })).toEqual(['缺少 options.viewWeights.sound'])
    expect(problems((m) => { delete m.rankLetter })).toEqual(['缺少 rankLetter'])
    // What it was fitted on is for people, and may be left out.
    expect(problems((m) => { delete m.fittedOn })).toEqual([])
  })

  it('refuses a value of the wrong type, naming the key and what it should be', () => {
    expect(problems((m) => { m.rank.charDice = '3.9' })).toEqual(['rank.charDice 应为数值，实为 "3.9"'])
    expect(problems((m) => { m.options.pool = 30.5 })).toEqual(['options.pool 应为正整数，实为 30.5'])
    expect(problems((m) => { m.options.maxDfShare = 2 })).toEqual(['options.maxDfShare 应为大于 0、不大于 1 的数，实为 2'])
    expect(problems((m) => { m.options.cutMode = 'fast' })).toEqual(['options.cutMode 应为"cut"、"hmm"、"search"、"search-hmm" 之一，实为 "fast"'])
    expect(problems((m) => { m.options.gramView = 'yes' })).toEqual(['options.gramView 应为true、false、"answer-only" 之一，实为 "yes"'])
    expect(problems((m) => { m.options.boosts = 3 })).toEqual(['options.boosts 应为对象，实为 3'])
  })

  it('reports every problem at once', () => {
    expect(problems((m) => { delete m.rank.exact; m.options.rrfK = null; m.confidence.topp = 1 })).toEqual([
      '缺少 rank.exact', '未知的键 confidence.topp', 'options.rrfK 应为数值，实为 null',
    ])
  })

  describe('files', () => {
    const dir = mkdtempSync(join(tmpdir(), 'search-model-'))
    afterAll(() => rmSync(dir, { recursive: true, force: true }))

    it('names the file in the error', () => {
      const path = join(dir, 'broken.json')
      const m = shipped()
      delete m.options.pool
      writeFileSync(path, JSON.stringify(m))
      expect(() => loadModel(path)).toThrow(`匹配模型 ${path} 有误（1 项）：\n- 缺少 options.pool`)
      expect(() => loadModel(join(dir, 'missing.json'))).toThrow(/无法读取/)
    })

    it('reads only the options for fitting, so a file without a new feature\'s weight can start a fit', () => {
      const path = join(dir, 'old.json')
      const m = shipped()
      delete m.rank.related
      writeFileSync(path, JSON.stringify(m))
      expect(() => loadModel(path)).toThrow(/缺少 rank.related/)
      expect(loadModelOptions(path)).toEqual(shipped().options)
    })
  })

  it('replaces options only where an experiment gives a value', () => {
    const { options } = loadModel()
    const replaced = withOptions(options, { pool: 50, viewDepth: undefined, ...{ rewrite: 'not an option' } } as never)
    expect(replaced).toEqual({ ...options, pool: 50 })
  })
})
