#!/usr/bin/env python3
"""gen_collation.py: writes src/sql/collation_data.c, the Unicode tables behind
src/sql/collation.c. Run once; the output is committed. Re-running it on the
same inputs gives the same file byte for byte.

    apt-get install unicode-data        # Debian: UCD 15.0 and DUCET 15.0
    python3 scripts/gen_collation.py > src/sql/collation_data.c

Inputs (from the Debian package unicode-data, /usr/share/unicode/):
  UnicodeData.txt  general category, canonical decompositions, simple case maps
  DerivedAge.txt   the Unicode version that assigned each code point
  PropList.txt     Unified_Ideograph (for UCA implicit weights)
  allkeys.txt      DUCET, the Default Unicode Collation Element Table

What is made, and by which rule (src/sql/README.collation.md has the why):

1. The "general" tables of utf8mb4_general_ci and friends: per BMP code point
   in the pages 00-05, 1E, 1F, 21, 24 and FF, an upper-case, a lower-case and
   a sort weight; code points of other pages map to themselves. The rule, over
   Unicode 3.0 data (characters assigned later have no mappings):
     upper = simple uppercase mapping, else the code point;
     lower = simple lowercase mapping, else the code point;
     sort  = upper(base) where base is found by following canonical
             decompositions of two or more code points to their first code
             point, as long as that is a letter (gc L*); else upper(cp).
   with three exceptions that MySQL's table has: U+00DF sorts as 'S' (MySQL
   bug #27877), U+0419/U+0439 (short i) keep their own weight instead of that
   of U+0418, and U+03F2 (lunate sigma) upper-cases to U+03A3, its Unicode 3.0
   mapping. This rule was checked to reproduce MySQL's table entry for entry.

2. Unicode 9.0 simple case mappings (UPPER/LOWER under the 0900 and 520
   collations): UnicodeData simple mappings where both the code point and
   its mapping were assigned by Unicode 9.0.

3. UCA collation elements for utf8mb4_0900_* and utf8mb4_unicode*_ci: each
   single-code-point entry of allkeys.txt whose code point was assigned by
   Unicode 9.0 (MySQL's 0900 collations follow UCA 9.0.0; DUCET 15.0 is what
   Debian ships, and for those code points its weights keep the 9.0 order
   except where the UCA changed it, see the README), for the BMP only.
   Supplementary code points get implicit weights in collation.c.
   Contractions (939 multi-code-point entries) are left out.

4. latin1 (MySQL's latin1 is Windows-1252 with the five undefined bytes
   0x81 0x8D 0x8F 0x90 0x9D mapped to the C1 controls U+0081..U+009D):
   byte -> code point, upper, lower, and latin1_swedish_ci sort weights by
   the Swedish rule written out in swedish_sort() below.
"""
import os
import re
import sys

UCD = os.environ.get('UCD_DIR', '/usr/share/unicode')


def ranges(name):
    for line in open(os.path.join(UCD, name), encoding='utf-8'):
        line = line.split('#')[0].strip()
        if not line:
            continue
        f = [x.strip() for x in line.split(';')]
        a, _, b = f[0].partition('..')
        yield int(a, 16), int(b or a, 16), f[1]


AGE = {}
for a, b, v in ranges('DerivedAge.txt'):
    for c in range(a, b + 1):
        AGE[c] = tuple(int(x) for x in v.split('.'))

UD = {}
for line in open(os.path.join(UCD, 'UnicodeData.txt'), encoding='utf-8'):
    f = line.rstrip('\n').split(';')
    UD[int(f[0], 16)] = f
# Ranges written as First/Last pairs (CJK, Hangul, ...) carry no mappings we use.


def assigned_by(c, ver):
    return AGE.get(c, (99, 9)) <= ver


def simple_map(c, field, ver):
    f = UD.get(c)
    if f is None or not assigned_by(c, ver) or not f[field]:
        return c
    m = int(f[field], 16)
    return m if assigned_by(m, ver) else c


# ---- 1. general tables ---------------------------------------------------

GEN_PAGES = [0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x1E, 0x1F, 0x21, 0x24, 0xFF]
V3 = (3, 0)


def gen_base(c):
    f = UD.get(c)
    if f is None or not f[5] or f[5].startswith('<'):
        return c
    parts = f[5].split()
    if len(parts) < 2:
        return c
    return gen_base(int(parts[0], 16))


def gen_entry(c):
    up = simple_map(c, 12, V3)
    lo = simple_map(c, 13, V3)
    b = gen_base(c)
    if b != c and (not assigned_by(b, V3) or not UD[b][2].startswith('L')):
        b = c
    s = simple_map(b, 12, V3)
    if c == 0x00DF:
        s = 0x0053
    if c in (0x0419, 0x0439):
        s = 0x0419
    if c == 0x03F2:
        up = s = 0x03A3
    return up, lo, s


# ---- 3. UCA --------------------------------------------------------------

V9 = (9, 0)
CE_RE = re.compile(r'\[[.*]([0-9A-F]{4,5})\.([0-9A-F]{4})\.([0-9A-F]{4})\]')


def uca_wanted(c):
    return c < 0x10000


UCA = {}
for line in open(os.path.join(UCD, 'allkeys.txt'), encoding='utf-8'):
    line = line.split('#')[0].strip()
    if not line or line.startswith('@'):
        continue
    cps, ces = line.split(';')
    cps = cps.split()
    if len(cps) != 1:
        continue  # contraction
    c = int(cps[0], 16)
    if not assigned_by(c, V9) or not uca_wanted(c):
        continue
    lst = []
    for p, s, t in CE_RE.findall(ces):
        p, s, t = int(p, 16), int(s, 16), int(t, 16)
        assert p <= 0xFFFF and s < 512 and t < 32, line
        if p or s or t:
            lst.append((p, s, t))
    UCA[c] = lst

HAN_CORE, HAN_EXT = [], []
for a, b, v in ranges('PropList.txt'):
    if v != 'Unified_Ideograph':
        continue
    for c in range(a, b + 1):
        if assigned_by(c, V9):
            core = (0x4E00 <= c <= 0x9FFF) or (0xF900 <= c <= 0xFAFF)
            lst = HAN_CORE if core else HAN_EXT
            if lst and lst[-1][1] == c - 1:
                lst[-1][1] = c
            else:
                lst.append([c, c])

# ---- 4. latin1 -----------------------------------------------------------


def latin1_to_uni(b):
    if b in (0x81, 0x8D, 0x8F, 0x90, 0x9D):
        return b
    return ord(bytes([b]).decode('cp1252'))


def latin1_upper(b):
    if 0x61 <= b <= 0x7A or (0xE0 <= b <= 0xFE and b != 0xF7):
        return b - 0x20
    return b


def latin1_lower(b):
    if 0x41 <= b <= 0x5A or (0xC0 <= b <= 0xDE and b != 0xD7):
        return b + 0x20
    return b


def swedish_sort(b):
    """latin1_swedish_ci: case folded to upper; accented letters weigh as
    their base letter except the Swedish letters, which sort after Z: they
    share the weights of [ \\ ] (0x5B-0x5D) as in 7-bit Swedish ASCII:
    Å=0x5B, Ä=Æ=0x5C, Ö=0x5D. Ü sorts as Y; Ø, Þ, ß, ×, ÷, ÿ keep their own."""
    u = latin1_upper(b)
    if u < 0xC0:
        return u
    special = {0xC4: 0x5C, 0xC5: 0x5B, 0xC6: 0x5C, 0xC7: 0x43, 0xD0: 0x44,
               0xD1: 0x4E, 0xD6: 0x5D, 0xDC: 0x59, 0xDD: 0x59}
    if u in special:
        return special[u]
    for lo, hi, w in ((0xC0, 0xC3, 0x41), (0xC8, 0xCB, 0x45), (0xCC, 0xCF, 0x49),
                      (0xD2, 0xD5, 0x4F), (0xD9, 0xDB, 0x55)):
        if lo <= u <= hi:
            return w
    return u  # D7 D8 DE DF F7 FF


# ---- output --------------------------------------------------------------

out = []


def emit(s=''):
    out.append(s)


def array(ctype, name, values, per_line=12, fmt='0x%X'):
    emit('const %s %s[%d] = {' % (ctype, name, len(values)))
    for i in range(0, len(values), per_line):
        emit('    ' + ', '.join(fmt % v for v in values[i:i + per_line]) + ',')
    emit('};')
    emit()


emit('/*')
emit(' * collation_data.c: Unicode tables for collation.c. GENERATED by')
emit(' * scripts/gen_collation.py from the Debian package unicode-data (UCD and')
emit(' * DUCET %s); do not edit. The script says what each table holds and by' %
     open(os.path.join(UCD, 'allkeys.txt')).readline().split('-')[1].split('.txt')[0])
emit(' * which rule it was made.')
emit(' */')
emit('#include <stddef.h>')
emit('#include <stdint.h>')
emit()
emit('/* clang-format off */')
emit()

# general
emit('/* 1. General tables: page (cp >> 8) -> 1 + index into the arrays below, 0 = identity. */')
page_map = [0] * 256
for i, p in enumerate(GEN_PAGES):
    page_map[p] = i + 1
array('uint8_t', 'collation__gen_page', page_map, 16, '%d')
ups, los, sorts = [], [], []
for p in GEN_PAGES:
    for c in range(p * 256, p * 256 + 256):
        u, l, s = gen_entry(c)
        ups.append(u)
        los.append(l)
        sorts.append(s)
array('uint16_t', 'collation__gen_upper', ups, 12, '0x%04X')
array('uint16_t', 'collation__gen_lower', los, 12, '0x%04X')
array('uint16_t', 'collation__gen_sort', sorts, 12, '0x%04X')

# unicode 9 case maps
emit('/* 2. Unicode 9.0 simple case mappings, sorted by code point: {cp, mapped}. */')
for field, nm in ((12, 'upper'), (13, 'lower')):
    pairs = []
    for c in sorted(UD):
        m = simple_map(c, field, V9)
        if m != c:
            pairs.append((c, m))
    emit('const uint32_t collation__u9_%s[%d][2] = {' % (nm, len(pairs)))
    for i in range(0, len(pairs), 6):
        emit('    ' + ' '.join('{0x%X, 0x%X},' % pr for pr in pairs[i:i + 6]))
    emit('};')
    emit('const size_t collation__n_u9_%s = %d;' % (nm, len(pairs)))
    emit()

# UCA
emit('/*')
emit(' * 3. UCA, BMP only. collation__uca_page: page (cp >> 8) -> 1 + index of its')
emit(' * 256 entries in collation__uca_entry, 0 when the page has none. A collation')
emit(' * element (CE) is primary << 16 | secondary << 7 | tertiary << 2 | last, where')
emit(' * last (bit 0) marks the final CE of a character. An entry is 0 for a character')
emit(' * with no weights (ignorable), 0xFFFFFFFF for one not in the table (implicit')
emit(' * weights), the CE itself for a character with one CE (bit 0 set), else the')
emit(' * offset in collation__uca_ce of its first CE shifted left by one (bit 0 clear).')
emit(' */')
pages = sorted(set(c >> 8 for c in UCA))
upage = [0] * 0x100
for i, p in enumerate(pages):
    upage[p] = i + 1
array('uint8_t', 'collation__uca_page', upage, 16, '%d')
entries, pool = [], [0]
for p in pages:
    for c in range(p * 256, p * 256 + 256):
        lst = UCA.get(c)
        if lst is None:
            entries.append(0xFFFFFFFF)
        elif not lst:
            entries.append(0)
        else:
            ces = [pr << 16 | s << 7 | t << 2 | (1 if k == len(lst) - 1 else 0)
                   for k, (pr, s, t) in enumerate(lst)]
            if len(ces) == 1:
                entries.append(ces[0])
            else:
                entries.append(len(pool) << 1)
                pool.extend(ces)
assert len(pool) < 1 << 30
# collation.c reads ASCII entries directly: page 0 first, one CE or none each.
assert pages[0] == 0 and all(entries[c] == 0 or entries[c] & 1 for c in range(0x80))
array('uint32_t', 'collation__uca_entry', entries, 8, '0x%X')
array('uint32_t', 'collation__uca_ce', pool, 8, '0x%X')
emit('/* Unified ideographs of Unicode 9.0: {first, last}; core (implicit base FB40), other (FB80). */')
for nm, lst in (('core', HAN_CORE), ('ext', HAN_EXT)):
    emit('const uint32_t collation__han_%s[%d][2] = {' % (nm, len(lst)))
    for i in range(0, len(lst), 4):
        emit('    ' + ' '.join('{0x%X, 0x%X},' % tuple(r) for r in lst[i:i + 4]))
    emit('};')
    emit('const size_t collation__n_han_%s = %d;' % (nm, len(lst)))
    emit()

# latin1
emit('/* 4. latin1 (Windows-1252 as MySQL has it): code point, upper, lower, swedish sort. */')
array('uint16_t', 'collation__latin1_to_uni', [latin1_to_uni(b) for b in range(256)], 12, '0x%04X')
array('uint8_t', 'collation__latin1_upper', [latin1_upper(b) for b in range(256)], 16, '0x%02X')
array('uint8_t', 'collation__latin1_lower', [latin1_lower(b) for b in range(256)], 16, '0x%02X')
array('uint8_t', 'collation__latin1_swedish', [swedish_sort(b) for b in range(256)], 16, '0x%02X')
emit('/* Weights of the other one-byte collations: *_bin, and ascii_general_ci (A-Z folded). */')
array('uint8_t', 'collation__byte_identity', list(range(256)), 16, '0x%02X')
array('uint8_t', 'collation__ascii_ci', [b - 32 if 0x61 <= b <= 0x7A else b for b in range(256)], 16,
      '0x%02X')

emit('/* clang-format on */')
sys.stdout.write('\n'.join(out).rstrip('\n') + '\n')
