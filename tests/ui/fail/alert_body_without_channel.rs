use openai_usage::*;

fn main() {
    // `notification_channel` is required: the body does not build without it.
    let _ = CreateSpendAlertBody::new(80_000);
}
