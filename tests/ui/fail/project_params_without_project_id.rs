use openai_usage::*;

fn main() {
    // The project ID is a path parameter: the parameters cannot exist without it.
    let _ = RetrieveProjectParams::new();
    let _ = GetProjectSpendLimitParams::default();
}
