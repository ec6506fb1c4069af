// SPDX-License-Identifier: Apache-2.0
// Copyright The assay Authors
//
// The CVSS v4.0 MacroVector lookup table: the score FIRST assigned to the highest-severity vector
// of every MacroVector (CVSS v4.0 specification §8.2, data of FIRST's reference calculator,
// cvss_lookup.js). Data only; the scoring algorithm is in cvss_v4.cc.
#include <cstdint>

#include "model/internal/cvss_internal.h"

namespace assay::model::internal {
namespace {

// Scores in tenths, indexed [EQ1][EQ2][EQ3][EQ4][EQ5][EQ6]; -1 marks the 54 combinations that
// cannot occur (EQ3=2 means no High impact on the vulnerable system, so EQ6 cannot be 0). The
// 270 other entries are the spec's lookup table.
constexpr int8_t kMacroVectorTenths[3][2][3][3][3][2] = {
    {
        {
            // EQ1=0 EQ2=0 EQ3=0; rows EQ4=0..2, each EQ5=0..2 x EQ6=0..1
            {
                {{100, 99}, {98, 95}, {95, 92}},
                {{100, 96}, {93, 87}, {91, 81}},
                {{93, 90}, {89, 80}, {81, 68}},
            },
            // EQ1=0 EQ2=0 EQ3=1; rows EQ4=0..2, each EQ5=0..2 x EQ6=0..1
            {
                {{98, 95}, {95, 92}, {90, 84}},
                {{93, 92}, {89, 81}, {81, 65}},
                {{88, 80}, {78, 70}, {69, 48}},
            },
            // EQ1=0 EQ2=0 EQ3=2; rows EQ4=0..2, each EQ5=0..2 x EQ6=0..1
            {
                {{-1, 92}, {-1, 82}, {-1, 72}},
                {{-1, 79}, {-1, 69}, {-1, 50}},
                {{-1, 69}, {-1, 55}, {-1, 27}},
            },
        },
        {
            // EQ1=0 EQ2=1 EQ3=0; rows EQ4=0..2, each EQ5=0..2 x EQ6=0..1
            {
                {{99, 97}, {95, 92}, {92, 85}},
                {{95, 91}, {90, 83}, {84, 71}},
                {{92, 81}, {82, 71}, {72, 53}},
            },
            // EQ1=0 EQ2=1 EQ3=1; rows EQ4=0..2, each EQ5=0..2 x EQ6=0..1
            {
                {{95, 93}, {92, 85}, {85, 73}},
                {{92, 82}, {80, 72}, {70, 59}},
                {{84, 70}, {71, 52}, {50, 30}},
            },
            // EQ1=0 EQ2=1 EQ3=2; rows EQ4=0..2, each EQ5=0..2 x EQ6=0..1
            {
                {{-1, 86}, {-1, 75}, {-1, 52}},
                {{-1, 71}, {-1, 52}, {-1, 29}},
                {{-1, 63}, {-1, 29}, {-1, 17}},
            },
        },
    },
    {
        {
            // EQ1=1 EQ2=0 EQ3=0; rows EQ4=0..2, each EQ5=0..2 x EQ6=0..1
            {
                {{98, 95}, {94, 87}, {91, 81}},
                {{94, 89}, {86, 74}, {77, 64}},
                {{87, 75}, {74, 63}, {63, 49}},
            },
            // EQ1=1 EQ2=0 EQ3=1; rows EQ4=0..2, each EQ5=0..2 x EQ6=0..1
            {
                {{94, 89}, {88, 77}, {76, 67}},
                {{86, 76}, {74, 58}, {59, 50}},
                {{72, 57}, {57, 52}, {52, 25}},
            },
            // EQ1=1 EQ2=0 EQ3=2; rows EQ4=0..2, each EQ5=0..2 x EQ6=0..1
            {
                {{-1, 83}, {-1, 70}, {-1, 54}},
                {{-1, 65}, {-1, 58}, {-1, 26}},
                {{-1, 53}, {-1, 21}, {-1, 13}},
            },
        },
        {
            // EQ1=1 EQ2=1 EQ3=0; rows EQ4=0..2, each EQ5=0..2 x EQ6=0..1
            {
                {{95, 90}, {88, 76}, {76, 70}},
                {{90, 77}, {75, 62}, {61, 53}},
                {{77, 66}, {68, 59}, {52, 30}},
            },
            // EQ1=1 EQ2=1 EQ3=1; rows EQ4=0..2, each EQ5=0..2 x EQ6=0..1
            {
                {{89, 78}, {76, 67}, {62, 58}},
                {{74, 59}, {57, 57}, {47, 23}},
                {{61, 52}, {57, 29}, {24, 16}},
            },
            // EQ1=1 EQ2=1 EQ3=2; rows EQ4=0..2, each EQ5=0..2 x EQ6=0..1
            {
                {{-1, 71}, {-1, 59}, {-1, 30}},
                {{-1, 58}, {-1, 26}, {-1, 15}},
                {{-1, 23}, {-1, 13}, {-1, 6}},
            },
        },
    },
    {
        {
            // EQ1=2 EQ2=0 EQ3=0; rows EQ4=0..2, each EQ5=0..2 x EQ6=0..1
            {
                {{93, 87}, {86, 72}, {75, 58}},
                {{86, 74}, {74, 61}, {56, 34}},
                {{70, 54}, {52, 40}, {40, 22}},
            },
            // EQ1=2 EQ2=0 EQ3=1; rows EQ4=0..2, each EQ5=0..2 x EQ6=0..1
            {
                {{85, 75}, {74, 55}, {62, 51}},
                {{72, 57}, {55, 41}, {46, 19}},
                {{53, 36}, {34, 19}, {19, 8}},
            },
            // EQ1=2 EQ2=0 EQ3=2; rows EQ4=0..2, each EQ5=0..2 x EQ6=0..1
            {
                {{-1, 64}, {-1, 51}, {-1, 20}},
                {{-1, 47}, {-1, 21}, {-1, 11}},
                {{-1, 24}, {-1, 9}, {-1, 4}},
            },
        },
        {
            // EQ1=2 EQ2=1 EQ3=0; rows EQ4=0..2, each EQ5=0..2 x EQ6=0..1
            {
                {{88, 75}, {73, 53}, {60, 50}},
                {{73, 55}, {59, 40}, {41, 20}},
                {{54, 43}, {45, 22}, {20, 11}},
            },
            // EQ1=2 EQ2=1 EQ3=1; rows EQ4=0..2, each EQ5=0..2 x EQ6=0..1
            {
                {{75, 55}, {58, 45}, {40, 21}},
                {{61, 51}, {48, 18}, {20, 9}},
                {{46, 18}, {17, 7}, {8, 2}},
            },
            // EQ1=2 EQ2=1 EQ3=2; rows EQ4=0..2, each EQ5=0..2 x EQ6=0..1
            {
                {{-1, 53}, {-1, 24}, {-1, 14}},
                {{-1, 24}, {-1, 12}, {-1, 5}},
                {{-1, 10}, {-1, 3}, {-1, 1}},
            },
        },
    },
};

}  // namespace

std::optional<double> CvssV4MacroVectorScore(int eq1, int eq2, int eq3, int eq4, int eq5, int eq6) {
  if (eq1 < 0 || eq1 > 2 || eq2 < 0 || eq2 > 1 || eq3 < 0 || eq3 > 2 || eq4 < 0 || eq4 > 2 ||
      eq5 < 0 || eq5 > 2 || eq6 < 0 || eq6 > 1) {
    return std::nullopt;
  }
  int tenths = kMacroVectorTenths[eq1][eq2][eq3][eq4][eq5][eq6];
  if (tenths < 0) return std::nullopt;
  // Division is correctly rounded, so this is the same double as the literal "9.9" in the spec.
  return tenths / 10.0;
}

}  // namespace assay::model::internal
