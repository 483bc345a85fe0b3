/**
 * Where citizens live: Taiwan's counties and cities with their townships (鄉鎮市區), approximate
 * 2023 household-registration populations, the 30 mountain indigenous townships (山地鄉) and the
 * offshore islands (離島). Each township also carries the county code its institutions use in
 * 醫事機構代碼 digits 3–4 (former counties keep their own code after the 2010 mergers) and the
 * national-ID letter of first registration.
 */

export interface Township {
  readonly county: string;
  readonly name: string;
  /** Population in thousands. */
  readonly population: number;
  readonly mountain: boolean;
  readonly island: boolean;
  /** 醫事機構代碼 digits 3–4. */
  readonly institutionCounty: string;
  /** 醫事機構代碼 digits 5–6, unique within `institutionCounty`. */
  readonly institutionTownship: string;
  /** National-ID letter for people first registered here before the 2010 mergers. */
  readonly letter: string;
  /** National-ID letter for people registered after the mergers. */
  readonly letterNow: string;
}

export interface County {
  readonly name: string;
  readonly areaCode: string;
  /** Where residents go for tertiary care when the county has no medical centre. */
  readonly referral: string;
  readonly townships: readonly Township[];
}

/** `name:population` with `!m` for mountain and `!i` for island townships; `@code/letter` switches the former county. */
const DATA: readonly (readonly [
  county: string,
  letter: string,
  code: string,
  areaCode: string,
  referral: string,
  townships: string,
])[] = [
  [
    '臺北市',
    'A',
    '01',
    '02',
    '臺北市',
    '中正區:150 大同區:120 中山區:215 松山區:195 大安區:290 萬華區:175 信義區:210 士林區:265 北投區:245 內湖區:280 南港區:115 文山區:265',
  ],
  [
    '新北市',
    'F',
    '31',
    '02',
    '臺北市',
    '板橋區:550 三重區:380 中和區:405 永和區:215 新莊區:420 新店區:300 土城區:235 蘆洲區:200 汐止區:205 樹林區:185 淡水區:190 三峽區:115 鶯歌區:85 林口區:125 五股區:90 泰山區:80 瑞芳區:37 八里區:40 烏來區:6!m',
  ],
  ['基隆市', 'C', '11', '02', '臺北市', '仁愛區:45 信義區:50 中正區:50 中山區:45 安樂區:80 暖暖區:38 七堵區:55'],
  [
    '桃園市',
    'H',
    '32',
    '03',
    '桃園市',
    '桃園區:460 中壢區:430 平鎮區:230 八德區:210 楊梅區:175 蘆竹區:170 大園區:95 龜山區:170 龍潭區:125 大溪區:95 觀音區:70 新屋區:50 復興區:12!m',
  ],
  ['新竹市', 'O', '12', '03', '臺北市', '東區:220 北區:155 香山區:80'],
  [
    '新竹縣',
    'J',
    '33',
    '03',
    '臺北市',
    '竹北市:210 竹東鎮:95 湖口鄉:80 新豐鄉:58 新埔鎮:33 關西鎮:27 芎林鄉:20 寶山鄉:15 北埔鄉:9 峨眉鄉:5 橫山鄉:12 尖石鄉:10!m 五峰鄉:4!m',
  ],
  [
    '苗栗縣',
    'K',
    '35',
    '037',
    '臺中市',
    '苗栗市:85 頭份市:105 竹南鎮:88 後龍鎮:35 通霄鎮:33 苑裡鎮:44 公館鄉:32 銅鑼鄉:17 三義鄉:15 大湖鄉:13 卓蘭鎮:16 南庄鄉:9 獅潭鄉:4 泰安鄉:6!m',
  ],
  [
    '臺中市',
    'B',
    '17',
    '04',
    '臺中市',
    '中區:17 東區:75 南區:125 西區:112 北區:142 北屯區:300 西屯區:230 南屯區:180 @36/L 豐原區:165 大里區:213 太平區:195 清水區:88 沙鹿區:95 大甲區:75 霧峰區:65 潭子區:110 大雅區:95 烏日區:77 龍井區:78 神岡區:65 后里區:54 東勢區:48 新社區:23 石岡區:14 外埔區:31 大安區:18 大肚區:57 梧棲區:60 和平區:11!m',
  ],
  [
    '彰化縣',
    'N',
    '37',
    '04',
    '彰化縣',
    '彰化市:225 員林市:123 和美鎮:90 鹿港鎮:85 溪湖鎮:54 二林鎮:50 田中鎮:40 北斗鎮:33 花壇鄉:45 芬園鄉:23 大村鄉:37 永靖鄉:36 伸港鄉:37 線西鄉:16 福興鄉:44 秀水鄉:38 埔心鄉:34 埔鹽鄉:31 社頭鄉:41 田尾鄉:27 埤頭鄉:29 芳苑鄉:32 大城鄉:15 竹塘鄉:14 溪州鄉:29 二水鄉:14',
  ],
  [
    '南投縣',
    'M',
    '38',
    '049',
    '臺中市',
    '南投市:100 埔里鎮:78 草屯鎮:97 竹山鎮:52 集集鎮:10 名間鄉:37 鹿谷鄉:17 中寮鄉:13 魚池鄉:15 國姓鄉:17 水里鄉:16 信義鄉:15!m 仁愛鄉:15!m',
  ],
  [
    '雲林縣',
    'P',
    '39',
    '05',
    '彰化縣',
    '斗六市:108 斗南鎮:43 虎尾鎮:71 西螺鎮:45 土庫鎮:28 北港鎮:38 古坑鄉:31 大埤鄉:18 莿桐鄉:28 林內鄉:18 二崙鄉:26 崙背鄉:24 麥寮鄉:52 東勢鄉:14 褒忠鄉:12 臺西鄉:22 元長鄉:25 四湖鄉:22 口湖鄉:25 水林鄉:25',
  ],
  ['嘉義市', 'I', '22', '05', '臺南市', '東區:125 西區:140'],
  [
    '嘉義縣',
    'Q',
    '40',
    '05',
    '臺南市',
    '太保市:38 朴子市:42 布袋鎮:25 大林鎮:30 民雄鄉:70 溪口鄉:14 新港鄉:31 六腳鄉:22 東石鄉:23 義竹鄉:17 鹿草鄉:15 水上鄉:48 中埔鄉:44 竹崎鄉:34 梅山鄉:18 番路鄉:11 大埔鄉:4 阿里山鄉:5!m',
  ],
  [
    '臺南市',
    'D',
    '21',
    '06',
    '臺南市',
    '中西區:77 東區:185 南區:122 北區:130 安平區:68 安南區:198 @41/R 永康區:235 歸仁區:68 新化區:43 仁德區:76 關廟區:33 善化區:50 新市區:37 安定區:30 麻豆區:43 佳里區:58 學甲區:25 新營區:76 鹽水區:24 白河區:27 柳營區:20 後壁區:22 東山區:20 下營區:23 六甲區:21 官田區:21 大內區:9 西港區:25 七股區:21 將軍區:19 北門區:10 玉井區:13 楠西區:9 南化區:8 左鎮區:4 山上區:7 龍崎區:4',
  ],
  [
    '高雄市',
    'E',
    '02',
    '07',
    '高雄市',
    '新興區:50 前金區:27 苓雅區:160 鹽埕區:22 鼓山區:140 旗津區:27 前鎮區:180 三民區:330 左營區:200 楠梓區:190 小港區:155 @42/S 鳳山區:350 大寮區:110 林園區:68 鳥松區:44 仁武區:92 大社區:34 岡山區:97 路竹區:51 橋頭區:38 梓官區:35 彌陀區:18 永安區:14 燕巢區:29 阿蓮區:28 田寮區:7 湖內區:29 茄萣區:29 旗山區:35 美濃區:38 六龜區:12 甲仙區:6 杉林區:11 內門區:14 茂林區:2!m 桃源區:4!m 那瑪夏區:3!m',
  ],
  [
    '屏東縣',
    'T',
    '43',
    '08',
    '高雄市',
    '屏東市:195 潮州鎮:53 東港鎮:46 恆春鎮:30 萬丹鄉:49 長治鄉:30 麟洛鄉:11 九如鄉:21 里港鄉:24 鹽埔鄉:24 高樹鄉:24 萬巒鄉:20 內埔鄉:53 竹田鄉:16 新埤鄉:9 枋寮鄉:23 新園鄉:33 崁頂鄉:15 林邊鄉:17 南州鄉:10 佳冬鄉:18 琉球鄉:12!i 車城鄉:8 滿州鄉:7 枋山鄉:5 三地門鄉:8!m 霧臺鄉:3!m 瑪家鄉:7!m 泰武鄉:5!m 來義鄉:7!m 春日鄉:5!m 獅子鄉:5!m 牡丹鄉:5!m',
  ],
  [
    '宜蘭縣',
    'G',
    '34',
    '03',
    '臺北市',
    '宜蘭市:95 羅東鎮:70 蘇澳鎮:38 頭城鎮:28 礁溪鄉:35 壯圍鄉:24 員山鄉:31 冬山鄉:53 五結鄉:40 三星鄉:20 大同鄉:6!m 南澳鄉:6!m',
  ],
  [
    '花蓮縣',
    'U',
    '45',
    '03',
    '花蓮縣',
    '花蓮市:100 吉安鄉:82 壽豐鄉:17 新城鄉:20 鳳林鎮:10 光復鄉:12 豐濱鄉:4 瑞穗鄉:11 玉里鎮:23 富里鄉:10 秀林鄉:16!m 萬榮鄉:6!m 卓溪鄉:6!m',
  ],
  [
    '臺東縣',
    'V',
    '46',
    '089',
    '花蓮縣',
    '臺東市:103 成功鎮:13 關山鎮:8 卑南鄉:17 鹿野鄉:7 池上鄉:8 東河鄉:8 長濱鄉:7 太麻里鄉:11 大武鄉:6 綠島鄉:4!i 海端鄉:4!m 延平鄉:4!m 金峰鄉:4!m 達仁鄉:3!m 蘭嶼鄉:5!m!i',
  ],
  ['澎湖縣', 'X', '44', '06', '高雄市', '馬公市:63!i 湖西鄉:14!i 白沙鄉:10!i 西嶼鄉:8!i 望安鄉:5!i 七美鄉:4!i'],
  ['金門縣', 'W', '90', '082', '臺北市', '金城鎮:44!i 金湖鎮:32!i 金沙鎮:21!i 金寧鄉:32!i 烈嶼鄉:13!i 烏坵鄉:1!i'],
  ['連江縣', 'Z', '91', '0836', '臺北市', '南竿鄉:8!i 北竿鄉:3!i 莒光鄉:2!i 東引鄉:1!i'],
];

function parse(): County[] {
  return DATA.map(([county, letterNow, code, areaCode, referral, spec]) => {
    let institutionCounty = code;
    let letter = letterNow;
    const serials = new Map<string, number>();
    const townships: Township[] = [];
    for (const token of spec.split(' ')) {
      if (token.startsWith('@')) {
        [institutionCounty, letter] = token.slice(1).split('/') as [string, string];
        continue;
      }
      const [head, ...flags] = token.split('!');
      const [name, pop] = (head as string).split(':') as [string, string];
      const serial = (serials.get(institutionCounty) ?? 0) + 1;
      serials.set(institutionCounty, serial);
      townships.push({
        county,
        name,
        population: Number(pop),
        mountain: flags.includes('m'),
        island: flags.includes('i'),
        institutionCounty,
        institutionTownship: String(serial).padStart(2, '0'),
        letter,
        letterNow,
      });
    }
    return { name: county, areaCode, referral, townships };
  });
}

export const COUNTIES: readonly County[] = parse();

export const TOWNSHIPS: readonly Township[] = COUNTIES.flatMap((c) => c.townships);

const countyByName = new Map(COUNTIES.map((c) => [c.name, c]));

export function countyNamed(name: string): County {
  const county = countyByName.get(name);
  if (!county) throw new RangeError(`unknown county: ${name}`);
  return county;
}

export function townshipNamed(county: string, name: string): Township {
  const township = countyNamed(county).townships.find((t) => t.name === name);
  if (!township) throw new RangeError(`unknown township: ${county}${name}`);
  return township;
}

/** Mountain townships and offshore islands, where the 衛生所 is the usual place of care. */
export function isRemote(township: Township): boolean {
  return township.mountain || township.island;
}
