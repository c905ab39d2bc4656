#![deny(deprecated)]

use openai_usage_ui::deprecated_api_key::{client::Client, params::OldCostsParams};

async fn call(client: &Client) {
    // The operation is `deprecated: true` in the spec: its users are told, with the spec's note.
    let _ = client.old_costs(&OldCostsParams::new(1730419200)).await;
}

fn main() {
    let _ = call;
}
