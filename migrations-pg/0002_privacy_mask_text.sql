-- The SQL twin of maskText (src/privacy/privacy.text.ts, privacy.scan.ts, privacy.normalize.ts) in
-- its `mask` style, for searches over askers' text: SQLite calls the TypeScript itself (a
-- user-defined function), PostgreSQL this. src/privacy/privacy.mask-sql.test.ts checks that the
-- two agree. Positions are 1-based code points; the TypeScript's are 0-based UTF-16 units, which
-- changes no result. A change to the TypeScript's rules needs a new migration that replaces these
-- (CREATE OR REPLACE FUNCTION), and the test shows where they part.
CREATE FUNCTION privacy_is_js_space(c int) RETURNS boolean LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  -- JavaScript's \s and String.prototype.trim()'s whitespace.
  SELECT c IN (9, 10, 11, 12, 13, 32, 160, 5760, 8232, 8233, 8239, 8287, 12288, 65279) OR c BETWEEN 8192 AND 8202
$$;
--> statement-breakpoint
CREATE FUNCTION privacy_classify_number(digits text, known text, first_group int) RETURNS text LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE AS $$
-- classifyNumber (privacy.scan.ts). `known`: the asker's numbers as ',a,b,'.
DECLARE
  plain text := regexp_replace(digits, '^86(?=1[3-9][0-9]{9}$)', '');
  n int := length(digits);
BEGIN
  IF strpos(known, ',' || plain || ',') > 0 THEN RETURN 'knownNumber'; END IF;
  IF n = 18 AND digits ~ '^[1-9][0-9]{5}(18|19|20)[0-9]{2}(0[1-9]|1[0-2])(0[1-9]|[12][0-9]|3[01])[0-9]{3}[0-9X]$' THEN RETURN 'idCard'; END IF;
  IF n = 15 AND digits ~ '^[1-9][0-9]{5}[0-9]{2}(0[1-9]|1[0-2])(0[1-9]|[12][0-9]|3[01])[0-9]{3}$' THEN RETURN 'idCard'; END IF;
  IF right(digits, 1) = 'X' THEN RETURN NULL; END IF;
  IF digits ~ '^(86)?1[3-9][0-9]{9}$' THEN RETURN 'mobile'; END IF;
  IF digits ~ '^0[1-9][0-9]{8,10}$' AND (first_group = n OR first_group = 3 OR first_group = 4) THEN RETURN 'landline'; END IF;
  RETURN NULL;
END
$$;
--> statement-breakpoint
CREATE FUNCTION privacy_mask_replacement(kind text, val text) RETURNS text LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE AS $$
-- replacement() in the `mask` style, with maskPhone, maskEmail and maskName (privacy.text.ts).
DECLARE
  d text;
  k int;
BEGIN
  IF kind = 'idCard' THEN RETURN left(val, 6) || repeat('*', length(val) - 10) || right(val, 4); END IF;
  IF kind IN ('mobile', 'landline', 'knownNumber') THEN
    d := regexp_replace(regexp_replace(normalize(val, NFKC), '[^0-9]', '', 'g'), '^86(?=1[3-9][0-9]{9}$)', '');
    IF length(d) >= 11 AND left(d, 1) = '1' THEN RETURN left(d, 3) || '****' || right(d, 4); END IF;
    IF length(d) >= 9 THEN RETURN left(d, length(d) - 8) || '****' || right(d, 4); END IF;
    IF length(d) >= 7 THEN RETURN '****' || right(d, 4); END IF;
    RETURN '****';
  END IF;
  IF kind = 'number' THEN RETURN repeat('*', length(val) - 4) || right(val, 4); END IF;
  IF kind = 'email' THEN
    k := strpos(val, '@');
    IF k <= 1 THEN RETURN '***'; END IF;
    RETURN left(val, 1) || '***' || substr(val, k);
  END IF;
  -- A name, as scanned: no surrounding whitespace.
  IF length(val) <= 1 THEN RETURN '*'; END IF;
  RETURN left(val, 1) || repeat('*', length(val) - 1);
END
$$;
--> statement-breakpoint
CREATE FUNCTION privacy_mask_text(txt text, asker_name text, asker_phone text, asker_email text, public_numbers text) RETURNS text LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE AS $$
-- maskText(txt, { asker: { name, phone, email }, publicNumbers }) in the `mask` style.
-- public_numbers: the digit strings of the public numbers, comma-separated. asker_email is unused,
-- as in the TypeScript (the address is masked where the scan finds it, like any other).
DECLARE
  norm text;
  cs int[];          -- the code points of norm
  src int[];         -- for each character of norm, the position in txt of the character it came from
  n int;
  known text := ',';
  pub text := ',' || coalesce(public_numbers, '') || ',';
  kname text;
  ph text;
  -- the spans found, in the order found
  s_start int[] := '{}';
  s_end int[] := '{}';
  s_kind text[] := '{}';
  s_val text[] := '{}';
  -- e-mail addresses
  a int;
  l int;
  r int;
  dotpos int;
  floor_ int := 1;
  tld text;
  -- numbers
  ne int;
  seg_from int;
  seg_to int;
  i int;
  j int;
  gs int;
  chk boolean;
  g_start int[];
  g_end int[];
  g_digits text[];
  ng int;
  g int;
  digits text;
  kind text;
  best_end int;
  best_kind text;
  best_digits text;
  -- names
  pl int;
  ns int;
  ok boolean;
  p int;
  maxlen int;
  self_name boolean;
  -- output
  rec record;
  reached int := 0;
  at_ int := 1;
  from_ int;
  out_ text := '';
BEGIN
  IF txt IS NULL OR txt = '' THEN RETURN txt; END IF;

  -- The asker's name (NFKC, trimmed as JavaScript trims) when it has two characters or more.
  kname := normalize(coalesce(asker_name, ''), NFKC);
  WHILE kname <> '' AND privacy_is_js_space(ascii(kname)) LOOP kname := substr(kname, 2); END LOOP;
  WHILE kname <> '' AND privacy_is_js_space(ascii(right(kname, 1))) LOOP kname := left(kname, -1); END LOOP;
  IF length(kname) < 2 THEN kname := NULL; END IF;

  -- Nothing to find (the usual case): no digit, no @, no name the text gives, not the asker's name.
  norm := normalize(txt, NFKC);
  IF norm !~ '[0-9@]|我叫|本人|姓名|联系人|我是' AND (kname IS NULL OR (strpos(norm, kname) = 0 AND strpos(txt, kname) = 0)) THEN
    RETURN txt;
  END IF;

  -- normaliseForMatching: NFKC code point by code point, each remembering where it came from.
  IF txt ~ E'^[\\u0001-\\u007f\\u2014\\u2018-\\u201d\\u3000-\\u3029\\u3030-\\u303f\\u4e00-\\u9fff\\uff01-\\uff5e]*$' THEN
    -- The usual Chinese text: each of these characters is one character after NFKC and none combines
    -- with its neighbours, so the whole text's NFKC is the same, character for character (src: none).
    cs := array(SELECT ascii(u.cx) FROM unnest(string_to_array(norm, NULL)) WITH ORDINALITY AS u(cx, ck) ORDER BY u.ck);
  ELSE
  WITH chars AS (
    SELECT u.ck, CASE WHEN ascii(u.cx) < 128 OR ascii(u.cx) BETWEEN 19968 AND 40959 THEN u.cx ELSE normalize(u.cx, NFKC) END AS co
    FROM unnest(string_to_array(txt, NULL)) WITH ORDINALITY AS u(cx, ck)
  ), out_chars AS (
    SELECT c.ck, v.oy, v.oj FROM chars c, unnest(string_to_array(c.co, NULL)) WITH ORDINALITY AS v(oy, oj)
  )
  SELECT coalesce(string_agg(oc.oy, '' ORDER BY oc.ck, oc.oj), ''), coalesce(array_agg(ascii(oc.oy) ORDER BY oc.ck, oc.oj), '{}'),
    coalesce(array_agg(oc.ck::int ORDER BY oc.ck, oc.oj), '{}')
  INTO norm, cs, src FROM out_chars AS oc;
  END IF;
  n := coalesce(array_length(cs, 1), 0);

  -- knownNumbersOf(asker_phone)
  ph := regexp_replace(regexp_replace(normalize(coalesce(asker_phone, ''), NFKC), '[^0-9]', '', 'g'), '^86(?=1[3-9][0-9]{9}$)', '');
  IF length(ph) >= 7 THEN
    known := known || ph || ',';
    IF left(ph, 1) = '0' THEN
      IF length(ph) - 3 >= 7 THEN known := known || substr(ph, 4) || ','; END IF;
      IF length(ph) - 4 >= 7 THEN known := known || substr(ph, 5) || ','; END IF;
    END IF;
  END IF;

  -- E-mail addresses, from each @ outwards.
  FOR a IN SELECT sub.at_sign FROM generate_subscripts(cs, 1) AS sub(at_sign) WHERE strpos(norm, '@') > 0 AND cs[sub.at_sign] = 64 ORDER BY 1 LOOP
    l := a;
    WHILE l > floor_ AND (cs[l - 1] BETWEEN 48 AND 57 OR cs[l - 1] BETWEEN 65 AND 90 OR cs[l - 1] BETWEEN 97 AND 122 OR cs[l - 1] IN (46, 95, 37, 43, 45)) LOOP l := l - 1; END LOOP;
    WHILE l < a AND cs[l] = 46 LOOP l := l + 1; END LOOP;
    r := a + 1;
    WHILE r <= n AND (cs[r] BETWEEN 48 AND 57 OR cs[r] BETWEEN 65 AND 90 OR cs[r] BETWEEN 97 AND 122 OR cs[r] IN (46, 45)) LOOP r := r + 1; END LOOP;
    WHILE r > a + 1 AND cs[r - 1] IN (46, 45) LOOP r := r - 1; END LOOP;
    dotpos := 0;
    FOR k IN REVERSE r - 1 .. a + 1 LOOP
      IF cs[k] = 46 THEN dotpos := k; EXIT; END IF;
    END LOOP;
    IF l < a AND dotpos > a + 1 THEN
      tld := substr(norm, dotpos + 1, r - dotpos - 1);
      IF tld ~ '^[A-Za-z]{2,}$' THEN
        s_start := s_start || l; s_end := s_end || r; s_kind := s_kind || 'email'::text; s_val := s_val || substr(norm, l, r - l);
        floor_ := r;
      END IF;
    END IF;
  END LOOP;

  -- Numbers, between the e-mail addresses only.
  ne := coalesce(array_length(s_start, 1), 0);
  seg_from := 1;
  FOR e IN 1 .. ne + 1 LOOP
    seg_to := CASE WHEN e <= ne THEN s_start[e] ELSE n + 1 END;
    i := seg_from;
    LOOP
      i := regexp_instr(norm, '[0-9]', i);
      EXIT WHEN i = 0 OR i >= seg_to;
      -- digitRuns: groups joined by at most two separators
      g_start := '{}'; g_end := '{}'; g_digits := '{}';
      LOOP
        gs := i;
        WHILE i < seg_to AND cs[i] BETWEEN 48 AND 57 LOOP i := i + 1; END LOOP;
        chk := i < seg_to AND cs[i] IN (88, 120)
          AND NOT (i + 1 < seg_to AND (cs[i + 1] BETWEEN 48 AND 57 OR cs[i + 1] BETWEEN 65 AND 90 OR cs[i + 1] BETWEEN 97 AND 122));
        IF chk THEN i := i + 1; END IF;
        g_start := g_start || gs; g_end := g_end || i; g_digits := g_digits || upper(substr(norm, gs, i - gs));
        EXIT WHEN chk;
        j := i;
        WHILE j < seg_to AND j - i < 2 AND (cs[j] IN (32, 46, 45, 40, 41) OR cs[j] BETWEEN 8208 AND 8213) LOOP j := j + 1; END LOOP;
        EXIT WHEN NOT (j > i AND j < seg_to AND cs[j] BETWEEN 48 AND 57);
        i := j;
      END LOOP;
      -- numbersIn: from each group, the longest run of groups that is a number
      ng := array_length(g_start, 1);
      g := 1;
      WHILE g <= ng LOOP
        best_kind := NULL;
        digits := '';
        FOR h IN g .. ng LOOP
          digits := digits || g_digits[h];
          EXIT WHEN length(digits) > 18;
          kind := privacy_classify_number(digits, known, length(g_digits[g]));
          IF kind IS NOT NULL THEN best_end := h; best_kind := kind; best_digits := digits; END IF;
        END LOOP;
        IF best_kind IS NULL AND length(g_digits[g]) >= 12 THEN best_end := g; best_kind := 'number'; best_digits := g_digits[g]; END IF;
        IF best_kind IS NOT NULL THEN
          s_start := s_start || g_start[g]; s_end := s_end || g_end[best_end]; s_kind := s_kind || best_kind;
          s_val := s_val || regexp_replace(best_digits, '^86(?=1[3-9][0-9]{9}$)', '');
          g := best_end + 1;
        ELSE
          IF strpos(known, ',' || g_digits[g] || ',') > 0 THEN
            s_start := s_start || g_start[g]; s_end := s_end || g_end[g]; s_kind := s_kind || 'knownNumber'::text; s_val := s_val || g_digits[g];
          END IF;
          g := g + 1;
        END IF;
      END LOOP;
    END LOOP;
    IF e <= ne THEN seg_from := s_end[e]; END IF;
  END LOOP;

  -- The asker's name wherever it recurs.
  IF kname IS NOT NULL THEN
    p := strpos(norm, kname);
    WHILE p > 0 LOOP
      s_start := s_start || p; s_end := s_end || (p + length(kname)); s_kind := s_kind || 'name'::text; s_val := s_val || kname;
      i := strpos(substr(norm, p + length(kname)), kname);
      p := CASE WHEN i > 0 THEN p + length(kname) + i - 1 ELSE 0 END;
    END LOOP;
  END IF;

  -- Names the asker gives: 我叫/本人叫/姓名:/联系人: (2 to 4 characters), then 我是/本人 (2 to 3),
  -- each the shortest run of Han characters followed by the end of the name (NAME_END).
  FOR pass IN 1 .. 2 LOOP
    self_name := pass = 2;
    maxlen := CASE WHEN self_name THEN 3 ELSE 4 END;
    i := 1;
    LOOP
      i := regexp_instr(norm, CASE WHEN self_name THEN '我是|本人' ELSE '我叫|本人叫|姓名|联系人' END, i);
      EXIT WHEN i = 0;
      pl := 0;
      IF NOT self_name THEN
        IF cs[i] = 25105 AND cs[i + 1] = 21483 THEN pl := 2;                                   -- 我叫
        ELSIF cs[i] = 26412 AND cs[i + 1] = 20154 AND cs[i + 2] = 21483 THEN pl := 3;          -- 本人叫
        ELSIF cs[i] = 22995 AND cs[i + 1] = 21517 THEN pl := 2;                                -- 姓名
        ELSIF cs[i] = 32852 AND cs[i + 1] = 31995 AND cs[i + 2] = 20154 THEN pl := 3;          -- 联系人
        END IF;
        IF pl > 0 AND (cs[i] = 22995 OR cs[i] = 32852) AND cs[i + pl] IN (58, 65306) THEN pl := pl + 1; END IF;
      ELSE
        IF cs[i] = 25105 AND cs[i + 1] = 26159 THEN pl := 2;                                   -- 我是
        ELSIF cs[i] = 26412 AND cs[i + 1] = 20154 AND cs[i + 2] IS DISTINCT FROM 21483 THEN pl := 2; -- 本人, not 本人叫
        END IF;
      END IF;
      ok := false;
      IF pl > 0 THEN
        ns := i + pl;
        FOR len IN 2 .. maxlen LOOP
          -- the run so far is Han: its first character (checked with the second), and the last one added
          EXIT WHEN NOT (coalesce(cs[ns + len - 1], 0) BETWEEN 19968 AND 40869 AND coalesce(cs[ns], 0) BETWEEN 19968 AND 40869);
          p := ns + len;
          IF p = n + 1 OR cs[p] IN (44, 46, 59, 33, 63, 65292, 12290, 65307, 65281, 65311, 12289) OR privacy_is_js_space(cs[p])
            OR cs[p] = 30340 OR cs[p] = 20303                                                    -- 的 住
            OR substr(norm, p, 2) IN ('今年', '电话', '手机', '身份', '联系') THEN
            s_start := s_start || ns; s_end := s_end || p; s_kind := s_kind || 'name'::text; s_val := s_val || substr(norm, ns, len);
            ok := true;
            i := p;
            EXIT;
          END IF;
        END LOOP;
      END IF;
      IF NOT ok THEN i := i + 1; END IF;
    END LOOP;
  END LOOP;

  -- Sorted, none overlapping (the earlier one wins); public numbers kept as written.
  FOR rec IN SELECT * FROM unnest(s_start, s_end, s_kind, s_val) WITH ORDINALITY AS u(st, en, kd, vl, o) ORDER BY st, en DESC, o LOOP
    CONTINUE WHEN rec.st < reached;
    reached := rec.en;
    CONTINUE WHEN rec.kd IN ('mobile', 'landline', 'number') AND strpos(pub, ',' || rec.vl || ',') > 0;
    from_ := coalesce(src[rec.st], rec.st);
    CONTINUE WHEN from_ < at_;
    out_ := out_ || substr(txt, at_, from_ - at_) || privacy_mask_replacement(rec.kd, rec.vl);
    at_ := coalesce(src[rec.en - 1], rec.en - 1) + 1;
  END LOOP;
  RETURN out_ || substr(txt, at_);
END
$$;
