//! The bbolt file format, as etcd's backend writes it: a B+tree of buckets in fixed-size pages.
//!
//! ```text
//! page 0, 1   meta      magic 0xED0CDAED, version 2, page size, root bucket, freelist page,
//!                       high-water mark (pgid), txid, FNV-64a checksum of the fields above
//! page 2      freelist  the ids of free pages (or none: etcd runs with NoFreelistSync)
//! page 3..    branch    (pos, ksize, child pgid) elements, then the keys
//!             leaf      (flags, pos, ksize, vsize) elements, then key and value bytes
//! ```
//!
//! Every page starts with a 16-byte header: id (u64), flags (u16), count (u16), overflow (u32);
//! a page bigger than the page size continues over `overflow` more pages. All integers are
//! little-endian. A top-level bucket is a leaf element with flag 1 whose value is the bucket
//! header (root pgid, sequence) followed, when root is 0, by the bucket's single leaf page
//! inline.
//!
//! [`write`] lays out a fresh, compact file; [`BoltFile::open`] reads one (ours, or one real
//! etcd wrote) without ever trusting an offset: every read is bounds-checked, so a corrupt
//! file is an error, never a panic. The texts of the errors are bbolt's.
//!
//! ```
//! use etcd_playground::snapshot::bolt;
//! let mut buckets = bolt::Buckets::new();
//! buckets.insert(b"key".to_vec(), vec![(b"k1".to_vec(), b"v1".to_vec())]);
//! let file = bolt::write(&buckets);
//! assert_eq!(file.len() % 4096, 0);
//! let db = bolt::BoltFile::open(&file).unwrap();
//! assert!(db.check().is_empty());
//! let read = db.buckets().unwrap();
//! assert_eq!(read[0].name, b"key");
//! assert_eq!(read[0].entries[0].value.as_deref(), Some(&b"v1"[..]));
//! ```

use crate::sorted_map::{SortedMap, SortedSet};

pub const PAGE_SIZE: usize = 4096;
pub const MAGIC: u32 = 0xED0C_DAED;
pub const VERSION: u32 = 2;
const PAGE_HEADER: usize = 16;
const ELEM: usize = 16;
const BUCKET_HEADER: usize = 16;
pub const BRANCH: u16 = 0x01;
pub const LEAF: u16 = 0x02;
pub const META: u16 = 0x04;
pub const FREELIST: u16 = 0x10;
const BUCKET_LEAF_FLAG: u32 = 0x01;
/// `pgidNoFreelist`: the meta's freelist field when the freelist is not stored.
pub const NO_FREELIST: u64 = u64::MAX;
/// A tree deeper than this is a cycle in a corrupt file (a real one is a handful deep).
const MAX_DEPTH: usize = 64;

/// Errors opening or walking a bolt file; `Display` gives bbolt's texts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BoltError {
    /// `bolt.ErrInvalid`: no valid magic (a foreign file, or shorter than one page).
    Invalid,
    /// `bolt.ErrVersionMismatch`.
    VersionMismatch,
    /// `bolt.ErrChecksum`: the meta page's checksum does not match.
    Checksum,
    /// The file is shorter than two pages.
    TooSmall,
    /// A page lies past the end of the file (real bbolt faults reading the mmap: SIGBUS).
    OutOfFile(u64),
    /// A structure inside a page does not fit (real bbolt reads garbage or faults).
    Corrupt(String),
}

impl std::fmt::Display for BoltError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            BoltError::Invalid => f.write_str("invalid database"),
            BoltError::VersionMismatch => f.write_str("version mismatch"),
            BoltError::Checksum => f.write_str("checksum error"),
            BoltError::TooSmall => f.write_str("file size too small"),
            BoltError::OutOfFile(id) => write!(f, "unexpected fault address: page {id} is past the end of the file"),
            BoltError::Corrupt(s) => write!(f, "unexpected fault address: {s}"),
        }
    }
}

/// FNV-1a, 64 bits: the checksum of a meta page.
pub fn fnv64a(data: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for &b in data {
        h ^= b as u64;
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    h
}

fn u16_at(d: &[u8], o: usize) -> Option<u16> {
    Some(u16::from_le_bytes(d.get(o..o + 2)?.try_into().ok()?))
}
fn u32_at(d: &[u8], o: usize) -> Option<u32> {
    Some(u32::from_le_bytes(d.get(o..o + 4)?.try_into().ok()?))
}
fn u64_at(d: &[u8], o: usize) -> Option<u64> {
    Some(u64::from_le_bytes(d.get(o..o + 8)?.try_into().ok()?))
}

/// The meta page's fields (after the page header).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Meta {
    pub magic: u32,
    pub version: u32,
    pub page_size: u32,
    pub flags: u32,
    pub root: u64,
    pub sequence: u64,
    pub freelist: u64,
    pub pgid: u64,
    pub txid: u64,
    pub checksum: u64,
}

const META_SUMMED: usize = 56;

impl Meta {
    fn parse(d: &[u8], off: usize) -> Option<Meta> {
        let o = off + PAGE_HEADER;
        Some(Meta {
            magic: u32_at(d, o)?,
            version: u32_at(d, o + 4)?,
            page_size: u32_at(d, o + 8)?,
            flags: u32_at(d, o + 12)?,
            root: u64_at(d, o + 16)?,
            sequence: u64_at(d, o + 24)?,
            freelist: u64_at(d, o + 32)?,
            pgid: u64_at(d, o + 40)?,
            txid: u64_at(d, o + 48)?,
            checksum: u64_at(d, o + 56)?,
        })
    }

    fn bytes(&self) -> Vec<u8> {
        let mut b = Vec::with_capacity(72);
        b.extend_from_slice(&self.magic.to_le_bytes());
        b.extend_from_slice(&self.version.to_le_bytes());
        b.extend_from_slice(&self.page_size.to_le_bytes());
        b.extend_from_slice(&self.flags.to_le_bytes());
        b.extend_from_slice(&self.root.to_le_bytes());
        b.extend_from_slice(&self.sequence.to_le_bytes());
        b.extend_from_slice(&self.freelist.to_le_bytes());
        b.extend_from_slice(&self.pgid.to_le_bytes());
        b.extend_from_slice(&self.txid.to_le_bytes());
        b
    }

    pub fn sum64(&self) -> u64 {
        fnv64a(&self.bytes()[..META_SUMMED])
    }

    /// bbolt's `meta.validate`.
    pub fn validate(&self) -> Result<(), BoltError> {
        if self.magic != MAGIC {
            Err(BoltError::Invalid)
        } else if self.version != VERSION {
            Err(BoltError::VersionMismatch)
        } else if self.checksum != 0 && self.checksum != self.sum64() {
            Err(BoltError::Checksum)
        } else {
            Ok(())
        }
    }
}

/// One key of a bucket: `value` is `None` for a nested bucket (bbolt's `ForEach` gives nil).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    pub key: Vec<u8>,
    pub value: Option<Vec<u8>>,
}

/// A top-level bucket with its keys in order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Bucket {
    pub name: Vec<u8>,
    pub entries: Vec<Entry>,
}

/// A bolt file opened read-only, like `bolt.Open(path, 0400, &bolt.Options{ReadOnly: true})`.
pub struct BoltFile<'a> {
    data: &'a [u8],
    pub page_size: usize,
    pub meta: Meta,
}

/// A page as read: where its bytes are, and its header.
#[derive(Clone, Copy)]
struct PageRef {
    off: usize,
    end: usize,
    id: u64,
    flags: u16,
    count: u16,
    overflow: u32,
}

fn page_type(flags: u16) -> String {
    if flags & BRANCH != 0 {
        "branch".into()
    } else if flags & LEAF != 0 {
        "leaf".into()
    } else if flags & META != 0 {
        "meta".into()
    } else if flags & FREELIST != 0 {
        "freelist".into()
    } else {
        format!("unknown<{flags:02x}>")
    }
}

/// A leaf element as read: flags, key, value (slices into the page).
type LeafElem<'a> = (u32, &'a [u8], &'a [u8]);

impl<'a> BoltFile<'a> {
    /// Opens the file as bbolt 1.3.6 does: page size from meta 0 if it validates, at least two
    /// pages, then the valid meta with the higher txid. `data` may carry trailing bytes (the
    /// SHA-256 that `snapshot save` appends): bbolt ignores what lies past its pages.
    pub fn open(data: &'a [u8]) -> Result<BoltFile<'a>, BoltError> {
        if data.len() < 0x1000 {
            return Err(BoltError::Invalid);
        }
        let mut page_size = PAGE_SIZE;
        if let Some(m) = Meta::parse(data, 0) {
            if m.validate().is_ok() {
                page_size = m.page_size as usize;
            }
        }
        // A crafted meta may pass its checksum with a nonsense page size; bbolt would then
        // fault. Only sizes a real system uses are accepted.
        if !(512..=1 << 16).contains(&page_size) || !page_size.is_power_of_two() {
            return Err(BoltError::Invalid);
        }
        if data.len() < page_size * 2 {
            return Err(BoltError::TooSmall);
        }
        let m0 = Meta::parse(data, 0).ok_or(BoltError::Invalid)?;
        let m1 = Meta::parse(data, page_size).ok_or(BoltError::Invalid)?;
        let (e0, e1) = (m0.validate(), m1.validate());
        if let (Err(e), Err(_)) = (&e0, &e1) {
            return Err(e.clone());
        }
        let (a, b) = if m1.txid > m0.txid { ((m1, &e1), (m0, &e0)) } else { ((m0, &e0), (m1, &e1)) };
        let meta = if a.1.is_ok() { a.0 } else { b.0 };
        // A high-water mark far past the end of the file: the pages it claims do not exist
        // (real bbolt faults when it reaches one; it would also loop over all of them).
        let file_pages = (data.len() / page_size) as u64;
        if meta.pgid > file_pages + 1024 {
            return Err(BoltError::OutOfFile(meta.pgid - 1));
        }
        Ok(BoltFile { data, page_size, meta })
    }

    /// `tx.Size()`: the high-water mark times the page size (what `snapshot status` calls
    /// TOTAL SIZE).
    pub fn size(&self) -> u64 {
        self.meta.pgid.saturating_mul(self.page_size as u64)
    }

    fn page(&self, id: u64) -> Result<PageRef, BoltError> {
        let ps = self.page_size as u64;
        let off = id.checked_mul(ps).filter(|o| o.saturating_add(PAGE_HEADER as u64) <= self.data.len() as u64).ok_or(BoltError::OutOfFile(id))? as usize;
        let d = self.data;
        let (pid, flags, count, overflow) = (
            u64_at(d, off).ok_or(BoltError::OutOfFile(id))?,
            u16_at(d, off + 8).ok_or(BoltError::OutOfFile(id))?,
            u16_at(d, off + 10).ok_or(BoltError::OutOfFile(id))?,
            u32_at(d, off + 12).ok_or(BoltError::OutOfFile(id))?,
        );
        let want = (overflow as u64 + 1).saturating_mul(ps);
        let end = (off as u64).saturating_add(want).min(d.len() as u64) as usize;
        Ok(PageRef { off, end, id: pid, flags, count, overflow })
    }

    fn leaf_elems_in(buf: &'a [u8], off: usize, end: usize, count: u16) -> Result<Vec<LeafElem<'a>>, BoltError> {
        let mut out = Vec::with_capacity(count as usize);
        for i in 0..count as usize {
            let eo = off + PAGE_HEADER + i * ELEM;
            let bad = || BoltError::Corrupt(format!("leaf element {i} does not fit in its page"));
            let flags = u32_at(buf, eo).ok_or_else(bad)?;
            let pos = u32_at(buf, eo + 4).ok_or_else(bad)? as usize;
            let ks = u32_at(buf, eo + 8).ok_or_else(bad)? as usize;
            let vs = u32_at(buf, eo + 12).ok_or_else(bad)? as usize;
            let k0 = eo.checked_add(pos).ok_or_else(bad)?;
            let v0 = k0.checked_add(ks).ok_or_else(bad)?;
            let v1 = v0.checked_add(vs).ok_or_else(bad)?;
            if v1 > end {
                return Err(bad());
            }
            out.push((flags, &buf[k0..v0], &buf[v0..v1]));
        }
        Ok(out)
    }

    fn branch_children(&self, p: &PageRef) -> Result<Vec<u64>, BoltError> {
        let mut out = Vec::with_capacity(p.count as usize);
        for i in 0..p.count as usize {
            let eo = p.off + PAGE_HEADER + i * ELEM;
            let id = u64_at(self.data, eo + 8).filter(|_| eo + ELEM <= p.end).ok_or_else(|| BoltError::Corrupt(format!("branch element {i} of page {} does not fit", p.id)))?;
            out.push(id);
        }
        Ok(out)
    }

    /// Every leaf element of the tree rooted at page `root`, in key order.
    fn tree_elems(&self, root: u64, depth: usize, seen: &mut PageSet, out: &mut Vec<LeafElem<'a>>) -> Result<(), BoltError> {
        if depth > MAX_DEPTH {
            return Err(BoltError::Corrupt(format!("page {root}: tree deeper than {MAX_DEPTH} (a cycle)")));
        }
        if !seen.insert(root) {
            return Err(BoltError::Corrupt(format!("page {root}: multiple references")));
        }
        let p = self.page(root)?;
        self.fits(&p, root)?;
        if p.flags & BRANCH != 0 {
            for child in self.branch_children(&p)? {
                self.tree_elems(child, depth + 1, seen, out)?;
            }
            Ok(())
        } else if p.flags & LEAF != 0 {
            out.extend(Self::leaf_elems_in(self.data, p.off, p.end, p.count)?);
            Ok(())
        } else {
            Err(BoltError::Corrupt(format!("page {root}: invalid type: {}", page_type(p.flags))))
        }
    }

    /// The elements of a bucket given its value in the parent (header + maybe inline page).
    fn bucket_elems(&self, value: &'a [u8], depth: usize, seen: &mut PageSet) -> Result<Vec<LeafElem<'a>>, BoltError> {
        let root = u64_at(value, 0).filter(|_| value.len() >= BUCKET_HEADER).ok_or_else(|| BoltError::Corrupt("bucket header too short".into()))?;
        if root == 0 {
            let count = u16_at(value, BUCKET_HEADER + 10).ok_or_else(|| BoltError::Corrupt("inline bucket page too short".into()))?;
            let flags = u16_at(value, BUCKET_HEADER + 8).unwrap_or(0);
            if flags & LEAF == 0 && count > 0 {
                return Err(BoltError::Corrupt(format!("inline bucket page of type {}", page_type(flags))));
            }
            return Self::leaf_elems_in(value, BUCKET_HEADER, value.len(), count);
        }
        let mut out = Vec::new();
        self.tree_elems(root, depth, seen, &mut out)?;
        Ok(out)
    }

    /// How many whole pages the file holds.
    fn file_pages(&self) -> u64 {
        (self.data.len() / self.page_size) as u64
    }

    /// A page whose overflow runs past the end of the file cannot be read.
    fn fits(&self, p: &PageRef, id: u64) -> Result<(), BoltError> {
        let file_pages = self.file_pages();
        if id.saturating_add(p.overflow as u64) >= file_pages {
            return Err(BoltError::OutOfFile(id.saturating_add(p.overflow as u64)));
        }
        Ok(())
    }

    /// The top-level buckets with their keys, in order (a `tx.Cursor()` walk, then each
    /// bucket's `ForEach`). A top-level key that is not a bucket is an error, with the text
    /// `snapshot status` gives for it.
    pub fn buckets(&self) -> Result<Vec<Bucket>, BoltError> {
        let mut root = Vec::new();
        let mut seen = PageSet::new(self.file_pages());
        self.tree_elems(self.meta.root, 0, &mut seen, &mut root)?;
        let mut out = Vec::with_capacity(root.len());
        for (flags, name, value) in root {
            if flags & BUCKET_LEAF_FLAG == 0 {
                return Err(BoltError::Corrupt(format!("cannot get hash of bucket {}", String::from_utf8_lossy(name))));
            }
            let entries = self
                .bucket_elems(value, 1, &mut seen)?
                .into_iter()
                .map(|(f, k, v)| Entry { key: k.to_vec(), value: (f & BUCKET_LEAF_FLAG == 0).then(|| v.to_vec()) })
                .collect();
            out.push(Bucket { name: name.to_vec(), entries });
        }
        Ok(out)
    }

    /// The free page ids as bbolt loads them: from the freelist page, or, when the freelist is
    /// not stored, every page from 2 below the high-water mark that no bucket reaches.
    fn freelist(&self) -> Result<Vec<u64>, BoltError> {
        if self.meta.freelist == NO_FREELIST {
            let mut reachable = PageSet::new(self.file_pages());
            let mut errs = Vec::new();
            self.check_bucket_pages(self.meta.root, &mut reachable, &PageSet::new(0), &mut errs, 0)?;
            return Ok((2..self.meta.pgid).filter(|i| !reachable.contains(i)).collect());
        }
        let p = self.page(self.meta.freelist)?;
        if p.flags & FREELIST == 0 {
            return Err(BoltError::Corrupt(format!("invalid freelist page: {}, page type is {}", p.id, page_type(p.flags))));
        }
        let (mut idx, mut count) = (0usize, p.count as u64);
        if count == 0xFFFF {
            idx = 1;
            count = u64_at(self.data, p.off + PAGE_HEADER).ok_or(BoltError::OutOfFile(self.meta.freelist))?;
        }
        let mut ids = Vec::new();
        for i in 0..count {
            let o = (i as usize).checked_add(idx).and_then(|j| j.checked_mul(8)).and_then(|j| j.checked_add(p.off + PAGE_HEADER));
            let id = o.filter(|o| o + 8 <= p.end).and_then(|o| u64_at(self.data, o)).ok_or_else(|| BoltError::Corrupt("freelist longer than its page".into()))?;
            ids.push(id);
        }
        crate::sort::sort(&mut ids);
        Ok(ids)
    }

    /// `tx.checkBucket`: records every page of a bucket's tree, reporting bbolt's errors.
    fn check_bucket_pages(&self, root: u64, reachable: &mut PageSet, freed: &PageSet, errs: &mut Vec<String>, depth: usize) -> Result<(), BoltError> {
        if root == 0 {
            return Ok(());
        }
        let mut elems = Vec::new();
        self.check_pages(root, reachable, freed, errs, depth, &mut elems)?;
        for (flags, _, v) in elems {
            if flags & BUCKET_LEAF_FLAG != 0 {
                let child = u64_at(v, 0).filter(|_| v.len() >= BUCKET_HEADER).ok_or_else(|| BoltError::Corrupt("bucket header too short".into()))?;
                self.check_bucket_pages(child, reachable, freed, errs, depth + 1)?;
            }
        }
        Ok(())
    }

    fn check_pages(&self, id: u64, reachable: &mut PageSet, freed: &PageSet, errs: &mut Vec<String>, depth: usize, elems: &mut Vec<LeafElem<'a>>) -> Result<(), BoltError> {
        if depth > MAX_DEPTH {
            return Err(BoltError::Corrupt(format!("page {id}: tree deeper than {MAX_DEPTH} (a cycle)")));
        }
        let p = self.page(id)?;
        self.fits(&p, id)?;
        if reachable.contains(&id) && depth > 0 {
            errs.push(format!("page {id}: multiple references"));
            return Ok(());
        }
        if p.id > self.meta.pgid {
            errs.push(format!("page {}: out of bounds: {}", p.id, self.meta.pgid));
        }
        for i in 0..=p.overflow as u64 {
            let pid = p.id.saturating_add(i);
            if !reachable.insert(pid) {
                errs.push(format!("page {pid}: multiple references"));
            }
            if errs.len() > 10_000 {
                return Err(BoltError::Corrupt("too many errors".into()));
            }
        }
        if freed.contains(&p.id) {
            errs.push(format!("page {}: reachable freed", p.id));
        } else if p.flags & (BRANCH | LEAF) == 0 {
            errs.push(format!("page {}: invalid type: {}", p.id, page_type(p.flags)));
        }
        if p.flags & BRANCH != 0 {
            for child in self.branch_children(&p)? {
                self.check_pages(child, reachable, freed, errs, depth + 1, elems)?;
            }
        } else if p.flags & LEAF != 0 {
            elems.extend(Self::leaf_elems_in(self.data, p.off, p.end, p.count)?);
        }
        Ok(())
    }

    /// `tx.Check()`: the integrity errors bbolt reports (empty when the file is sound).
    /// A structure too broken to walk at all is an `Err`.
    pub fn check_strict(&self) -> Result<Vec<String>, BoltError> {
        let mut errs = Vec::new();
        let free = self.freelist()?;
        let mut freed = PageSet::new(self.file_pages());
        for id in free {
            if !freed.insert(id) {
                errs.push(format!("page {id}: already freed"));
            }
        }
        let mut reachable = PageSet::new(self.file_pages());
        reachable.insert(0);
        reachable.insert(1);
        if self.meta.freelist != NO_FREELIST {
            let p = self.page(self.meta.freelist)?;
            self.fits(&p, self.meta.freelist)?;
            for i in 0..=p.overflow as u64 {
                reachable.insert(self.meta.freelist.saturating_add(i));
            }
        }
        self.check_bucket_pages(self.meta.root, &mut reachable, &freed, &mut errs, 0)?;
        // Past a million pages (4 GB) the file cannot be one the playground holds.
        for i in 0..self.meta.pgid.min(1 << 20) {
            if !reachable.contains(&i) && !freed.contains(&i) {
                errs.push(format!("page {i}: unreachable unfreed"));
            }
        }
        Ok(errs)
    }

    /// Like [`BoltFile::check_strict`], folding a walk failure into the list of errors.
    pub fn check(&self) -> Vec<String> {
        match self.check_strict() {
            Ok(e) => e,
            Err(e) => vec![e.to_string()],
        }
    }
}

/// A set of page ids: a bit for each page of the file (pages are visited in any order, and a
/// file may have a million), and a sorted list for the ids past its end a damaged file names.
struct PageSet {
    bits: Vec<u64>,
    pages: u64,
    beyond: SortedSet<u64>,
}

impl PageSet {
    fn new(pages: u64) -> Self {
        PageSet { bits: vec![0; pages.div_ceil(64) as usize], pages, beyond: SortedSet::new() }
    }

    /// Adds `id`; false when it was there already.
    fn insert(&mut self, id: u64) -> bool {
        if id >= self.pages {
            return self.beyond.insert(id);
        }
        let (w, b) = ((id / 64) as usize, 1u64 << (id % 64));
        let new = self.bits[w] & b == 0;
        self.bits[w] |= b;
        new
    }

    fn contains(&self, id: &u64) -> bool {
        if *id >= self.pages {
            return self.beyond.contains(id);
        }
        self.bits[(*id / 64) as usize] & (1u64 << (*id % 64)) != 0
    }
}

/// Lays out a fresh bolt file holding `buckets` (top-level bucket name → its keys and values
/// in order). Small buckets are stored inline in their parent, as bbolt does; the rest get
/// leaf pages packed full and branch pages above them. The file ends at its high-water mark.
/// Top-level bucket name → its keys and values in order: what [`write`] lays out.
pub type Buckets = SortedMap<Vec<u8>, Vec<(Vec<u8>, Vec<u8>)>>;

pub fn write(buckets: &Buckets) -> Vec<u8> {
    lay_out(buckets, false)
}

/// The length of [`write`]'s file, without building its pages (what `ls -l` shows for a
/// database the engine holds).
pub fn size(buckets: &Buckets) -> u64 {
    lay_out(buckets, true).len() as u64 * PAGE_SIZE as u64
}

/// The file; with `dry`, only its length counts: `hwm` zero bytes, one per page (see [`size`]).
fn lay_out(buckets: &Buckets, dry: bool) -> Vec<u8> {
    let mut w = Writer { pages: Vec::new(), next: 3, dry };
    let mut root_elems: Vec<(u32, &[u8], Vec<u8>)> = Vec::with_capacity(buckets.len());
    for (name, kvs) in buckets {
        let inline_size = PAGE_HEADER + kvs.iter().map(|(k, v)| ELEM + k.len() + v.len()).sum::<usize>();
        let mut value = Vec::new();
        if inline_size <= PAGE_SIZE / 4 {
            value.extend_from_slice(&0u64.to_le_bytes());
            value.extend_from_slice(&0u64.to_le_bytes());
            let elems: Vec<(u32, &[u8], &[u8])> = kvs.iter().map(|(k, v)| (0, k.as_slice(), v.as_slice())).collect();
            value.extend(leaf_page(0, &elems, 0));
        } else {
            let elems: Vec<(u32, &[u8], &[u8])> = kvs.iter().map(|(k, v)| (0, k.as_slice(), v.as_slice())).collect();
            let root = w.tree(&elems);
            value.extend_from_slice(&root.to_le_bytes());
            value.extend_from_slice(&0u64.to_le_bytes());
        }
        root_elems.push((BUCKET_LEAF_FLAG, name.as_slice(), value));
    }
    let elems: Vec<(u32, &[u8], &[u8])> = root_elems.iter().map(|(f, k, v)| (*f, *k, v.as_slice())).collect();
    let root = w.tree(&elems);
    let hwm = w.next;
    if dry {
        return vec![0; hwm as usize];
    }
    let mut out = vec![0u8; hwm as usize * PAGE_SIZE];
    for (i, txid) in [(0u64, 2u64), (1, 1)] {
        let mut m = Meta { magic: MAGIC, version: VERSION, page_size: PAGE_SIZE as u32, flags: 0, root, sequence: 0, freelist: 2, pgid: hwm, txid, checksum: 0 };
        m.checksum = m.sum64();
        let off = i as usize * PAGE_SIZE;
        out[off..off + PAGE_HEADER].copy_from_slice(&header(i, META, 0, 0));
        let mut mb = m.bytes();
        mb.extend_from_slice(&m.checksum.to_le_bytes());
        out[off + PAGE_HEADER..off + PAGE_HEADER + mb.len()].copy_from_slice(&mb);
    }
    out[2 * PAGE_SIZE..2 * PAGE_SIZE + PAGE_HEADER].copy_from_slice(&header(2, FREELIST, 0, 0));
    for (id, bytes) in w.pages {
        let off = id as usize * PAGE_SIZE;
        out[off..off + bytes.len()].copy_from_slice(&bytes);
    }
    out
}

fn header(id: u64, flags: u16, count: u16, overflow: u32) -> [u8; 16] {
    let mut h = [0u8; 16];
    h[..8].copy_from_slice(&id.to_le_bytes());
    h[8..10].copy_from_slice(&flags.to_le_bytes());
    h[10..12].copy_from_slice(&count.to_le_bytes());
    h[12..16].copy_from_slice(&overflow.to_le_bytes());
    h
}

fn pages_for(len: usize) -> u32 {
    (len.div_ceil(PAGE_SIZE).max(1) - 1) as u32
}

/// A leaf page: header, element headers, then each key and value.
fn leaf_page(id: u64, elems: &[(u32, &[u8], &[u8])], overflow: u32) -> Vec<u8> {
    let size = PAGE_HEADER + elems.iter().map(|(_, k, v)| ELEM + k.len() + v.len()).sum::<usize>();
    let mut b = Vec::with_capacity(size);
    b.extend_from_slice(&header(id, LEAF, elems.len() as u16, overflow));
    let mut data_off = PAGE_HEADER + elems.len() * ELEM;
    for (i, (f, k, v)) in elems.iter().enumerate() {
        let eo = PAGE_HEADER + i * ELEM;
        b.extend_from_slice(&f.to_le_bytes());
        b.extend_from_slice(&((data_off - eo) as u32).to_le_bytes());
        b.extend_from_slice(&(k.len() as u32).to_le_bytes());
        b.extend_from_slice(&(v.len() as u32).to_le_bytes());
        data_off += k.len() + v.len();
    }
    for (_, k, v) in elems {
        b.extend_from_slice(k);
        b.extend_from_slice(v);
    }
    b
}

fn branch_page(id: u64, elems: &[(&[u8], u64)], overflow: u32) -> Vec<u8> {
    let mut b = Vec::new();
    b.extend_from_slice(&header(id, BRANCH, elems.len() as u16, overflow));
    let mut data_off = PAGE_HEADER + elems.len() * ELEM;
    for (i, (k, pgid)) in elems.iter().enumerate() {
        let eo = PAGE_HEADER + i * ELEM;
        b.extend_from_slice(&((data_off - eo) as u32).to_le_bytes());
        b.extend_from_slice(&(k.len() as u32).to_le_bytes());
        b.extend_from_slice(&pgid.to_le_bytes());
        data_off += k.len();
    }
    for (k, _) in elems {
        b.extend_from_slice(k);
    }
    b
}

struct Writer {
    pages: Vec<(u64, Vec<u8>)>,
    next: u64,
    /// Count pages only.
    dry: bool,
}

/// Splits `sizes` (element sizes) into runs that fit a page with its header, at least one
/// element and at most u16::MAX elements per run.
fn pack(sizes: impl Iterator<Item = usize>) -> Vec<usize> {
    let mut runs = Vec::new();
    let (mut n, mut used) = (0usize, PAGE_HEADER);
    for s in sizes {
        if n > 0 && (used + s > PAGE_SIZE || n == u16::MAX as usize) {
            runs.push(n);
            n = 0;
            used = PAGE_HEADER;
        }
        n += 1;
        used += s;
    }
    if n > 0 || runs.is_empty() {
        runs.push(n);
    }
    runs
}

impl Writer {
    fn alloc(&mut self, overflow: u32) -> u64 {
        let id = self.next;
        self.next += overflow as u64 + 1;
        id
    }

    /// Writes a B+tree of `elems` (sorted), returns its root page id.
    fn tree(&mut self, elems: &[(u32, &[u8], &[u8])]) -> u64 {
        let mut level: Vec<(Vec<u8>, u64)> = Vec::new();
        let mut start = 0;
        for n in pack(elems.iter().map(|(_, k, v)| ELEM + k.len() + v.len())) {
            let run = &elems[start..start + n];
            start += n;
            let size = PAGE_HEADER + run.iter().map(|(_, k, v)| ELEM + k.len() + v.len()).sum::<usize>();
            let overflow = pages_for(size);
            let id = self.alloc(overflow);
            if !self.dry {
                self.pages.push((id, leaf_page(id, run, overflow)));
            }
            level.push((run.first().map(|e| e.1.to_vec()).unwrap_or_default(), id));
        }
        while level.len() > 1 {
            let mut up = Vec::new();
            let mut start = 0;
            for n in pack(level.iter().map(|(k, _)| ELEM + k.len())) {
                let run: Vec<(&[u8], u64)> = level[start..start + n].iter().map(|(k, id)| (k.as_slice(), *id)).collect();
                start += n;
                let size = PAGE_HEADER + run.iter().map(|(k, _)| ELEM + k.len()).sum::<usize>();
                let overflow = pages_for(size);
                let id = self.alloc(overflow);
                if !self.dry {
                    self.pages.push((id, branch_page(id, &run, overflow)));
                }
                up.push((run[0].0.to_vec(), id));
            }
            level = up;
        }
        level[0].1
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Page ids inside the file and past its end (a damaged file's) answer as a `BTreeSet`.
    #[test]
    fn page_set_agrees_with_btreeset() {
        let mut x: u64 = 0x9E3779B97F4A7C15;
        for pages in [0u64, 1, 63, 64, 65, 200] {
            let mut set = PageSet::new(pages);
            let mut want = std::collections::BTreeSet::new();
            for _ in 0..600 {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                let id = match x % 4 {
                    0 => x >> 2,
                    _ => (x >> 2) % 260,
                };
                assert_eq!(set.insert(id), want.insert(id), "pages={pages} id={id}");
                let probe = (x >> 7) % 300;
                assert_eq!(set.contains(&probe), want.contains(&probe));
                assert!(set.contains(&id));
            }
        }
    }

    fn sample(n: usize, vlen: usize) -> Buckets {
        let mut b = Buckets::new();
        b.insert(b"key".to_vec(), (0..n).map(|i| (format!("{i:08}").into_bytes(), vec![b'v'; vlen])).collect());
        b.insert(b"meta".to_vec(), vec![(b"consistent_index".to_vec(), 5u64.to_be_bytes().to_vec())]);
        b.insert(b"alarm".to_vec(), vec![]);
        b
    }

    fn roundtrip(b: &Buckets) {
        let file = write(b);
        assert_eq!(size(b), file.len() as u64);
        let db = BoltFile::open(&file).unwrap();
        assert_eq!(db.check(), Vec::<String>::new());
        assert_eq!(db.size(), file.len() as u64);
        let got = db.buckets().unwrap();
        let want: Vec<Bucket> = b
            .iter()
            .map(|(n, kvs)| Bucket { name: n.clone(), entries: kvs.iter().map(|(k, v)| Entry { key: k.clone(), value: Some(v.clone()) }).collect() })
            .collect();
        assert_eq!(got, want);
    }

    #[test]
    fn roundtrips_inline_multi_level_and_overflow_pages() {
        roundtrip(&sample(0, 0));
        roundtrip(&sample(3, 10));
        roundtrip(&sample(5000, 50)); // several leaves and a branch level
        roundtrip(&sample(3, 10_000)); // values spanning overflow pages
    }

    #[test]
    fn meta_checksum_is_fnv64a_of_the_fields() {
        let file = write(&sample(1, 1));
        let m = Meta::parse(&file, 0).unwrap();
        assert_eq!(m.checksum, fnv64a(&file[16..16 + 56]));
        assert_eq!((m.magic, m.version, m.page_size, m.freelist), (MAGIC, 2, 4096, 2));
    }

    #[test]
    fn open_rejects_like_bbolt() {
        assert_eq!(BoltFile::open(&[0u8; 100]).err(), Some(BoltError::Invalid));
        assert_eq!(BoltFile::open(&[7u8; 9000]).err(), Some(BoltError::Invalid));
        let file = write(&sample(1, 1));
        assert_eq!(BoltFile::open(&file[..5000]).err(), Some(BoltError::TooSmall));
        let mut bad = file.clone();
        bad[16 + 20] ^= 1; // root pgid of meta 0
        bad[4096 + 16 + 20] ^= 1;
        assert_eq!(BoltFile::open(&bad).err(), Some(BoltError::Checksum));
        let mut one = file.clone();
        one[16 + 20] ^= 1; // only meta 0 broken: meta 1 is used
        assert!(BoltFile::open(&one).is_ok());
    }

    #[test]
    fn check_reports_unreachable_pages() {
        let mut file = write(&sample(5000, 50));
        file.extend(vec![0u8; PAGE_SIZE]);
        // Raise the high-water mark of both metas by one page no one reaches.
        for off in [0, PAGE_SIZE] {
            let mut m = Meta::parse(&file, off).unwrap();
            m.pgid += 1;
            m.checksum = m.sum64();
            file[off + 16 + 40..off + 16 + 48].copy_from_slice(&m.pgid.to_le_bytes());
            file[off + 16 + 56..off + 16 + 64].copy_from_slice(&m.checksum.to_le_bytes());
        }
        let db = BoltFile::open(&file).unwrap();
        let errs = db.check();
        assert_eq!(errs.len(), 1, "{errs:?}");
        assert!(errs[0].ends_with(": unreachable unfreed"), "{errs:?}");
    }
}
