// Units and topics change rarely: load them once per sign-in and share them between screens.
import { ref } from 'vue'
import { api } from './api'
import type { Page, Topic, Unit } from './types'
import { setLabels, type LabelSets } from './labels'

export const units = ref<Unit[]>([])
export const topics = ref<Topic[]>([])
let loaded: Promise<void> | null = null

export function loadLookups(force = false): Promise<void> {
  if (!loaded || force) {
    loaded = Promise.all([
      api<Page<Unit>>('GET', '/units?pageSize=100'),
      api<{ items: Topic[] }>('GET', '/topics'),
    ]).then(([u, t]) => { units.value = u.items; topics.value = t.items })
      .catch((e) => { loaded = null; throw e })
  }
  return loaded
}

export function forgetLookups() {
  loaded = null
  units.value = []
  topics.value = []
}

let labelsLoaded: Promise<void> | null = null

/** The words for the API's codes: the same for every account, so loaded once per page. */
export function loadLabels(): Promise<void> {
  labelsLoaded ??= api<LabelSets>('GET', '/meta/labels').then(setLabels).catch((e) => { labelsLoaded = null; throw e })
  return labelsLoaded
}
