//! Standard base64 (RFC 4648, `+/`), the one every simulated tool uses: etcdctl's JSON bytes,
//! PEM bodies, the `base64` command, Kubernetes secrets, the page's saved session.
use base64::engine::general_purpose::{GeneralPurpose, GeneralPurposeConfig};
use base64::engine::DecodePaddingMode;
use base64::Engine;

/// Decoding accepts input with or without its `=` padding, as the tools we imitate do.
const LENIENT: GeneralPurpose = GeneralPurpose::new(&base64::alphabet::STANDARD, GeneralPurposeConfig::new().with_decode_padding_mode(DecodePaddingMode::Indifferent));

/// With `=` padding (Go's `json.Marshal` of `[]byte`, `base64`, PEM).
///
/// ```
/// assert_eq!(etcd_playground::b64::encode(b"v1"), "djE=");
/// ```
pub fn encode(data: &[u8]) -> String {
    LENIENT.encode(data)
}

/// `None` for anything that is not base64.
///
/// ```
/// use etcd_playground::b64::decode;
/// assert_eq!(decode(b"djE=").as_deref(), Some(&b"v1"[..]));
/// assert_eq!(decode(b"djE").as_deref(), Some(&b"v1"[..]));
/// assert_eq!(decode(b"d*E="), None);
/// ```
pub fn decode(text: &[u8]) -> Option<Vec<u8>> {
    LENIENT.decode(text).ok()
}
