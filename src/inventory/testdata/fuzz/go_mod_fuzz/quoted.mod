module "example.com/m"
require "a.io/x" `v1.0.0`
retract [v1.0.0, v1.1.0]
