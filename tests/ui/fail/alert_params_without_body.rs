use openai_usage::*;

fn main() {
    // The request body is required: the parameters do not build without it.
    let _ = CreateProjectSpendAlertParams::new("proj_alpha");
}
