//! No input may panic: random text through the YAML reader, the PEM readers, sed scripts, and
//! random arguments through kubectl, openssl and etcdctl's TLS flags.

use etcd_playground::cluster::{pki, yaml};
use etcd_playground::shell::Session;
use proptest::prelude::*;

fn word() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("get".to_string()),
        Just("describe".to_string()),
        Just("create".to_string()),
        Just("delete".to_string()),
        Just("scale".to_string()),
        Just("run".to_string()),
        Just("exec".to_string()),
        Just("pods".to_string()),
        Just("deploy".to_string()),
        Just("ns".to_string()),
        Just("-n".to_string()),
        Just("-A".to_string()),
        Just("-o".to_string()),
        Just("yaml".to_string()),
        Just("--replicas=99999999999999999999".to_string()),
        Just("--replicas=9223372036854775807".to_string()),
        Just("--image=x".to_string()),
        Just("--".to_string()),
        Just("etcdctl".to_string()),
        Just("-l".to_string()),
        "[a-zé=,!/-]{0,6}",
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    #[test]
    fn yaml_and_pem_readers_never_panic(text in "(\\PC|\n| |-|:|\\|){0,200}") {
        let _ = yaml::parse(&text);
        let _ = pki::parse_certs(text.as_bytes());
        let _ = pki::parse_key(text.as_bytes());
        let _ = pki::base64_decode(&text);
    }

    #[test]
    fn kubectl_never_panics(words in prop::collection::vec(word(), 0..7)) {
        let mut s = Session::new("kubeadm").unwrap();
        let line = words.iter().map(|w| format!("'{}'", w.replace('\'', ""))).collect::<Vec<_>>().join(" ");
        let _ = s.execute(&format!("kubectl {line}"));
        let _ = s.execute("kubectl get pods -A");
    }

    #[test]
    fn sed_and_openssl_never_panic(script in "[spdq=!$,0-9/\\\\()a-z.*+?^|é]{0,16}", flags in "(-n|-E|-i|-x|){0,2}") {
        let mut s = Session::new("kubeadm").unwrap();
        let _ = s.execute(&format!("sed {flags} '{}' /etc/kubernetes/manifests/etcd.yaml", script.replace('\'', "")));
        let _ = s.execute("kubectl get nodes");
        let _ = s.execute(&format!("openssl x509 -in '{}' -noout -text -checkend 9223372036854775807", script.replace('\'', "")));
    }
}

#[test]
fn deeply_nested_yaml_is_refused_not_a_stack_overflow() {
    let deep = "- ".repeat(100_000) + "x";
    assert!(yaml::parse(&deep).is_err());
    let deep_maps: String = (0..5000).map(|i| format!("{}k:\n", " ".repeat(i))).collect();
    assert!(yaml::parse(&deep_maps).is_err());
}
