//! `curl [-L] [-s] [-S] [-f] URL [-o FILE | -O]` without a network (curl 7.88, Debian
//! bookworm). etcd's release URLs on both hosts the seed names answer with a simulated
//! tarball; any other host fails the way an offline curl does:
//!
//! ```text
//! $ curl -L https://example.com/x -o /tmp/x
//!   % Total    % Received % Xferd  Average Speed   Time    Time     Time  Current
//!                                  Dload  Upload   Total   Spent    Left  Speed
//!   0     0    0     0    0     0      0      0 --:--:-- --:--:-- --:--:--     0curl: (6) Could not resolve host: example.com
//! ```

use super::{release, tar};
use crate::process::Proc;
use crate::world::World;

const GOOGLE: &str = "storage.googleapis.com";
const GITHUB: &str = "github.com";

const METER_HEAD: &str = "  % Total    % Received % Xferd  Average Speed   Time    Time     Time  Current\n                                 Dload  Upload   Total   Spent    Left  Speed\n";
const METER_ZERO: &str = "  0     0    0     0    0     0      0      0 --:--:-- --:--:-- --:--:--     0";

/// curl's `max5data`: a byte count in at most five characters.
pub fn max5(bytes: u64) -> String {
    const K: u64 = 1024;
    const M: u64 = 1024 * 1024;
    if bytes < 100_000 {
        format!("{bytes:5}")
    } else if bytes < 10_000 * K {
        format!("{:4}k", bytes / K)
    } else if bytes < 100 * M {
        format!("{:2}.{}M", bytes / M, (bytes % M) / (M / 10))
    } else {
        format!("{:4}M", bytes / M)
    }
}

fn hms(secs: u64) -> String {
    format!("{:2}:{:02}:{:02}", secs / 3600, secs / 60 % 60, secs % 60)
}

/// The meter's last line for a finished transfer of `size` bytes taking `secs` seconds.
fn meter_done(size: u64, secs: u64) -> String {
    let speed = max5(size / secs.max(1));
    let t = if secs == 0 { "--:--:--".to_string() } else { hms(secs) };
    format!("100 {s}  100 {s}    0     0  {speed}      0 {t} {t} --:--:-- {speed}", s = max5(size))
}

enum Answer {
    /// 200 with this body; `redirected` when the host first answers 302 (GitHub).
    Body { data: Vec<u8>, redirected: bool, meter_size: u64, secs: u64 },
    /// The host does not resolve.
    NoHost(String),
}

fn fetch(url: &str) -> Answer {
    let rest = url.strip_prefix("https://").or_else(|| url.strip_prefix("http://")).unwrap_or(url);
    let (host, path) = rest.split_once('/').unwrap_or((rest, ""));
    let host = host.rsplit('@').next().unwrap_or(host);
    let host = host.split(':').next().unwrap_or(host).to_ascii_lowercase();
    let tail = match host.as_str() {
        GOOGLE => path.strip_prefix("etcd/"),
        GITHUB => path.strip_prefix("etcd-io/etcd/releases/download/"),
        _ => return Answer::NoHost(host),
    };
    // <tail> = vX.Y.Z/etcd-vX.Y.Z-linux-amd64.tar.gz
    let found = tail.and_then(|t| {
        let (dir, file) = t.split_once('/')?;
        let v = dir.strip_prefix('v')?;
        (file == format!("etcd-{dir}-linux-amd64.tar.gz")).then_some(())?;
        release(v)
    });
    let redirected = host == GITHUB;
    match found {
        Some(r) => Answer::Body { data: tar::release_tarball(r), redirected, meter_size: r.tgz_size, secs: 2 },
        None if host == GOOGLE => {
            let body = format!("<?xml version='1.0' encoding='UTF-8'?><Error><Code>NoSuchKey</Code><Message>The specified key does not exist.</Message><Details>No such object: {path}</Details></Error>");
            let n = body.len() as u64;
            Answer::Body { data: body.into_bytes(), redirected: false, meter_size: n, secs: 0 }
        }
        None => Answer::Body { data: b"Not Found".to_vec(), redirected: false, meter_size: 9, secs: 0 },
    }
}

pub fn main(world: &mut World, p: &mut Proc) -> i32 {
    let mut url: Option<String> = None;
    let mut output: Option<String> = None;
    let mut remote_name = false;
    let mut silent = false;
    let mut location = false;
    let mut show_error = false;
    let args = p.args[1..].to_vec();
    let mut i = 0;
    while i < args.len() {
        let a = &args[i];
        i += 1;
        match a.as_str() {
            "-L" | "--location" => location = true,
            "-f" | "--fail" | "-k" | "--insecure" => {}
            "-s" | "--silent" => silent = true,
            "-S" | "--show-error" => show_error = true,
            "-O" | "--remote-name" => remote_name = true,
            "-o" | "--output" => match args.get(i) {
                Some(f) => {
                    output = Some(f.clone());
                    i += 1;
                }
                None => {
                    p.eprintln(format!("curl: option {a}: requires parameter"));
                    p.eprintln("curl: try 'curl --help' or 'curl --manual' for more information");
                    return 2;
                }
            },
            s if s.starts_with("--output=") => output = Some(s["--output=".len()..].to_string()),
            s if s.starts_with('-') && s.len() > 1 && !s.starts_with("--") => {
                // A cluster of short flags, e.g. -sSLO or -Lo FILE.
                for (j, c) in s[1..].chars().enumerate() {
                    match c {
                        'L' => location = true,
                        'f' | 'k' => {}
                        's' => silent = true,
                        'S' => show_error = true,
                        'O' => remote_name = true,
                        'o' => {
                            let inline = &s[2 + j..];
                            if !inline.is_empty() {
                                output = Some(inline.to_string());
                            } else if let Some(f) = args.get(i) {
                                output = Some(f.clone());
                                i += 1;
                            } else {
                                p.eprintln("curl: option -o: requires parameter");
                                p.eprintln("curl: try 'curl --help' or 'curl --manual' for more information");
                                return 2;
                            }
                            break;
                        }
                        other => {
                            p.eprintln(format!("curl: option -{other}: is unknown"));
                            p.eprintln("curl: try 'curl --help' or 'curl --manual' for more information");
                            return 2;
                        }
                    }
                }
            }
            s if s.starts_with("--") => {
                p.eprintln(format!("curl: option {s}: is unknown"));
                p.eprintln("curl: try 'curl --help' or 'curl --manual' for more information");
                return 2;
            }
            s => url = Some(s.to_string()),
        }
    }
    let Some(url) = url else {
        p.eprintln("curl: try 'curl --help' or 'curl --manual' for more information");
        return 2;
    };
    if remote_name && output.is_none() {
        let name = url.rsplit('/').next().unwrap_or("").to_string();
        if name.is_empty() {
            p.eprintln("curl: Remote file name has no length!");
            p.eprintln("curl: (23) Failed writing received data to disk/application");
            return 23;
        }
        output = Some(name);
    }
    // The meter shows when the body goes to a file (stdout here is the terminal).
    let meter = output.is_some() && !silent;
    if meter {
        p.eprint(METER_HEAD);
    }
    match fetch(&url) {
        Answer::NoHost(host) => {
            if meter {
                p.eprint(METER_ZERO);
            }
            if !silent || show_error {
                p.eprintln(format!("curl: (6) Could not resolve host: {host}"));
            }
            p.explain(
                format!("The playground has no network: curl only knows etcd's release downloads (https://storage.googleapis.com/etcd/… and https://github.com/etcd-io/etcd/releases/download/…). `{host}` cannot be resolved, as on a machine without DNS."),
                format!("O playground não tem rede: o curl só conhece os downloads de versões do etcd (https://storage.googleapis.com/etcd/… e https://github.com/etcd-io/etcd/releases/download/…). `{host}` não é resolvido, como numa máquina sem DNS."),
            );
            6
        }
        // GitHub answers a release download with a 302 to its storage host and an empty body:
        // without -L, curl saves that empty answer.
        Answer::Body { redirected: true, .. } if !location => {
            if let Some(out) = output {
                let path = p.path(&out);
                if let Err(e) = world.vfs.write(&path, Vec::new()) {
                    p.eprintln(format!("Warning: Failed to open the file {out}: {}", e.strerror()));
                    p.eprintln("curl: (23) Failure writing output to destination");
                    return 23;
                }
                if meter {
                    p.eprintln(METER_ZERO);
                }
            }
            p.explain(
                "GitHub answers release downloads with a redirect (HTTP 302) to its file storage. Without -L (--location) curl does not follow it and saves the redirect's empty body.",
                "O GitHub responde downloads de versões com um redirecionamento (HTTP 302) para o armazenamento de arquivos. Sem -L (--location) o curl não o segue e grava o corpo vazio do redirecionamento.",
            );
            0
        }
        Answer::Body { data, redirected, meter_size, secs } => {
            let Some(out) = output else {
                p.print(String::from_utf8_lossy(&data));
                return 0;
            };
            let path = p.path(&out);
            if meter && redirected {
                p.eprintln(METER_ZERO);
            }
            if let Err(e) = world.vfs.write(&path, data) {
                if meter {
                    p.eprint(METER_ZERO);
                }
                p.eprintln(format!("Warning: Failed to open the file {out}: {}", e.strerror()));
                if meter {
                    p.eprintln(format!("  0 {}    0     0    0     0      0      0 --:--:-- --:--:-- --:--:--     0", max5(meter_size)));
                }
                p.eprintln("curl: (23) Failure writing output to destination");
                return 23;
            }
            world.advance(secs * 1000);
            if meter {
                p.eprintln(meter_done(meter_size, secs));
            }
            if meter_size < 1000 {
                p.explain(
                    "The server answered with an error page (the file does not exist there), and curl saved that page: it does not fail on HTTP errors unless given -f. Check the version in the URL.",
                    "O servidor respondeu com uma página de erro (o arquivo não existe lá) e o curl gravou essa página: ele não falha com erros HTTP sem a opção -f. Confira a versão na URL.",
                );
            }
            0
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn max5_matches_curl() {
        assert_eq!(max5(0), "    0");
        assert_eq!(max5(99_999), "99999");
        assert_eq!(max5(335), "  335");
        assert_eq!(max5(17_300_000), "16.4M");
        assert_eq!(max5(8_640_014), "8437k");
        assert_eq!(max5(800 * 1024 * 1024), " 800M");
    }
}
