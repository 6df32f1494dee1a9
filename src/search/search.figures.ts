// The matcher's figures for supervision (src/stats), over this module's match logs.

/**
 * Questions asked in the period (@fromUtc, @toUtc) where the agent said no candidate fitted, leaving
 * out the matches in `excluded` (a subquery of match ids: those that became tickets, counted through
 * their consultation), as rows (question, at, asker_name, asker_phone, asker_email). Match logs
 * belong to no unit, so only the whole district's figures (@unitId NULL) include them.
 */
export const noneFittedQuestionsSql = (excluded: string) => `
  SELECT m.question, m.created_at AS at, NULL AS asker_name, NULL AS asker_phone, NULL AS asker_email FROM match_logs m
  WHERE CAST(@unitId AS INTEGER) IS NULL AND m.none_fitted = true AND m.created_at >= @fromUtc AND m.created_at < @toUtc
    AND m.id NOT IN ${excluded}`
